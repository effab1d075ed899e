package dev.bosun.gpu.smi;

import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.GpuSampleBuilder;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * Parses {@code nvidia-smi -q -x}. Tested on the real H100 output (DTD nvsmi_device_v13); it also
 * accepts the element names of drivers before 550 ({@code clocks_throttle_reasons}, {@code
 * power_readings/power_draw}, {@code ecc_errors/volatile/double_bit/total}).
 *
 * <p>The document names a DTD file that is not there; it is never fetched, and no entity is
 * expanded. A document over {@link #MAX_CHARS}, nested deeper than {@link #MAX_DEPTH}, or with a
 * DTD of its own (entity declarations: external entities, "billion laughs") is refused. Truncated
 * or malformed XML yields an empty result with one problem, not an exception.
 */
public final class SmiXmlParser {

  /**
   * Refused before parsing: one H100 takes 27 KB, so this holds 16 GPUs with room to spare, and
   * keeps the DOM of the worst document within a small agent heap.
   */
  public static final int MAX_CHARS = 1024 * 1024;

  /** nvidia-smi nests 6 deep; the parser stops at this depth. */
  public static final int MAX_DEPTH = 32;

  private SmiXmlParser() {}

  public static Parsed<NodeSnapshot> parse(String xml, Instant takenAt) {
    if (xml.length() > MAX_CHARS) {
      return Parsed.failed(
          "nvidia-smi XML of %d characters is over the limit of %d"
              .formatted(xml.length(), MAX_CHARS));
    }
    Document doc;
    try {
      doc = builder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) { // SAXException, IOException, or a limit hit: bad input either way
      return Parsed.failed("nvidia-smi XML unreadable: " + e.getClass().getSimpleName());
    }
    if (doc.getDoctype() != null && doc.getDoctype().getInternalSubset() != null) {
      // nvidia-smi only names its DTD; declarations of one's own are how entity tricks start
      return Parsed.failed("nvidia-smi XML declares a DTD of its own: refused");
    }
    Element root = doc.getDocumentElement();
    if (root == null || !root.getTagName().equals("nvidia_smi_log")) {
      return Parsed.failed(
          "not an nvidia-smi log (root element "
              + (root == null ? "none" : root.getTagName())
              + ")");
    }
    Fields fields = new Fields();
    List<GpuSample> gpus = new ArrayList<>();
    int index = 0;
    for (Element gpu : children(root, "gpu")) {
      gpu(gpu, index++, fields).ifPresent(gpus::add);
    }
    String driver = text(root, "driver_version");
    String cuda = text(root, "cuda_version");
    NodeSnapshot snapshot =
        new NodeSnapshot(takenAt, driver, null, Fields.notAvailable(cuda) ? null : cuda, gpus);
    return Parsed.of(snapshot, fields.unparsed(), fields.problems());
  }

  private static Optional<GpuSample> gpu(Element gpu, int index, Fields fields) {
    String uuid = text(gpu, "uuid");
    String name = text(gpu, "product_name");
    String pciText = firstNonNull(gpu.getAttribute("id"), text(gpu, "pci/pci_bus_id"));
    Optional<PciAddress> pci = PciAddress.parse(pciText);
    if (uuid == null || uuid.isBlank() || name == null || pci.isEmpty()) {
      fields.problem("GPU #" + index + " without uuid, name or PCI address");
      return Optional.empty();
    }
    GpuSampleBuilder b =
        new GpuSampleBuilder(new GpuIdentity(index, uuid.strip(), name.strip(), pci.get()));
    b.memoryMiB(
        fields.integer("fb_memory_usage/total", text(gpu, "fb_memory_usage/total")),
        fields.integer("fb_memory_usage/used", text(gpu, "fb_memory_usage/used")),
        fields.integer("fb_memory_usage/free", text(gpu, "fb_memory_usage/free")));
    b.utilisation(
        fields.integer("utilization/gpu_util", text(gpu, "utilization/gpu_util")),
        fields.integer("utilization/memory_util", text(gpu, "utilization/memory_util")));
    b.temperatureCelsius(fields.integer("temperature/gpu_temp", text(gpu, "temperature/gpu_temp")));
    String power =
        firstAvailable(
            text(gpu, "gpu_power_readings/instant_power_draw"),
            text(gpu, "gpu_power_readings/power_draw"),
            text(gpu, "power_readings/power_draw"),
            text(gpu, "gpu_power_readings/average_power_draw"));
    b.powerWatts(fields.decimal("power_draw", power));
    b.clockEventReasons(clockEventReasons(gpu, fields));
    ecc(gpu, b, fields);
    b.remappedRows(
        fields.integer(
            "remapped_rows/remapped_row_corr", text(gpu, "remapped_rows/remapped_row_corr")),
        fields.integer(
            "remapped_rows/remapped_row_unc", text(gpu, "remapped_rows/remapped_row_unc")),
        fields.yesNo(
            "remapped_rows/remapped_row_pending", text(gpu, "remapped_rows/remapped_row_pending")),
        fields.yesNo(
            "remapped_rows/remapped_row_failure", text(gpu, "remapped_rows/remapped_row_failure")));
    b.retiredPagesPending(
        fields.yesNo(
            "retired_pages/pending_retirement", text(gpu, "retired_pages/pending_retirement")));
    b.migMode(
        new MigMode(
            mig(text(gpu, "mig_mode/current_mig")), mig(text(gpu, "mig_mode/pending_mig"))));
    for (String r : b.rejected()) fields.problem("GPU " + uuid + ": implausible " + r);
    return Optional.of(b.build());
  }

  /** Both {@code clocks_event_reasons} (550+) and {@code clocks_throttle_reasons} (older). */
  private static Long clockEventReasons(Element gpu, Fields fields) {
    for (String group : List.of("clocks_event_reasons", "clocks_throttle_reasons")) {
      Element reasons = child(gpu, group);
      if (reasons == null) continue;
      long bits = 0;
      boolean any = false;
      for (Element r : children(reasons, null)) {
        String name = r.getTagName().replaceFirst("^clocks_(event|throttle)_reason_", "");
        ClockEventReasons.Reason reason = ClockEventReasons.Reason.bySmiName(name);
        if (reason == null) reason = legacyName(name);
        if (reason == null) continue; // e.g. clocks_throttle_reason_unknown
        Boolean active = fields.yesNo(r.getTagName(), r.getTextContent());
        if (active == null) continue;
        any = true;
        if (active) bits |= reason.bit;
      }
      return any ? bits : null;
    }
    return null;
  }

  private static ClockEventReasons.Reason legacyName(String name) {
    return switch (name) {
      case "applications_clocks_setting", "user_defined_clocks" ->
          ClockEventReasons.Reason.APPLICATIONS_CLOCKS_SETTING;
      case "display_clock_setting" -> ClockEventReasons.Reason.DISPLAY_CLOCK_SETTING;
      default -> null;
    };
  }

  private static void ecc(Element gpu, GpuSampleBuilder b, Fields fields) {
    String mode = text(gpu, "ecc_mode/current_ecc");
    if (mode != null && !mode.strip().equals("Enabled")) return; // ECC off: counts mean nothing
    Long[] vol = eccGroup(child(gpu, "ecc_errors"), "volatile", fields);
    Long[] agg = eccGroup(child(gpu, "ecc_errors"), "aggregate", fields);
    b.ecc(vol[0], vol[1], agg[0], agg[1]);
  }

  /**
   * [corrected, uncorrected] from either the Hopper layout (sram/dram) or the older
   * single/double-bit totals.
   */
  private static Long[] eccGroup(Element ecc, String group, Fields fields) {
    if (ecc == null) return new Long[] {null, null};
    Element g = child(ecc, group);
    if (g == null) return new Long[] {null, null};
    if (child(g, "double_bit") != null || child(g, "single_bit") != null) {
      return new Long[] {
        fields.integer(group + "/single_bit/total", text(g, "single_bit/total")),
        fields.integer(group + "/double_bit/total", text(g, "double_bit/total"))
      };
    }
    Long corrected = sum(fields, g, group, "sram_correctable", "dram_correctable");
    Long uncorrected =
        sum(
            fields,
            g,
            group,
            "sram_uncorrectable_parity",
            "sram_uncorrectable_secded",
            "sram_uncorrectable",
            "dram_uncorrectable");
    return new Long[] {corrected, uncorrected};
  }

  private static Long sum(Fields fields, Element g, String group, String... names) {
    Long total = null;
    for (String n : names) {
      Long v = fields.integer(group + "/" + n, text(g, n));
      if (v != null) total = (total == null ? 0 : total) + v;
    }
    return total;
  }

  private static MigMode.State mig(String text) {
    if (text == null) return MigMode.State.NOT_SUPPORTED;
    return switch (text.strip()) {
      case "Enabled" -> MigMode.State.ENABLED;
      case "Disabled" -> MigMode.State.DISABLED;
      default -> MigMode.State.NOT_SUPPORTED;
    };
  }

  private static DocumentBuilder builder() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setExpandEntityReferences(false);
    f.setXIncludeAware(false);
    f.setNamespaceAware(false);
    f.setAttribute("jdk.xml.maxElementDepth", MAX_DEPTH);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(
        new ErrorHandler() { // the default one prints to stderr; we return a problem instead
          @Override
          public void warning(SAXParseException e) {}

          @Override
          public void error(SAXParseException e) throws SAXParseException {
            throw e;
          }

          @Override
          public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
          }
        });
    return b;
  }

  private static String firstNonNull(String a, String b) {
    return a != null && !a.isBlank() ? a : b;
  }

  private static String firstAvailable(String... values) {
    for (String v : values) if (!Fields.notAvailable(v)) return v;
    return null;
  }

  /** Text of a descendant by slash path, or {@code null}. */
  static String text(Element from, String path) {
    Element e = from;
    for (String step : path.split("/")) {
      e = child(e, step);
      if (e == null) return null;
    }
    return e.getTextContent().strip();
  }

  static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) return e;
    }
    return null;
  }

  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (name == null || e.getTagName().equals(name))) out.add(e);
    }
    return out;
  }
}
