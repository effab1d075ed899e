package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.kernel.KmsgRecordSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRecordSourceTest {

  @Test
  void handsOutWholeLinesOnlyAndGoesOnAfterTheEnd(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("log");
    Files.writeString(f, "a\n\nb");
    try (var src = new FileRecordSource(f)) {
      assertThat(src.next()).isEqualTo(new KmsgRecordSource.Record("a"));
      assertThat(src.next())
          .as("an unfinished line waits")
          .isInstanceOf(KmsgRecordSource.End.class);
      Files.writeString(f, "c\nd\n", StandardOpenOption.APPEND);
      assertThat(src.next()).isEqualTo(new KmsgRecordSource.Record("bc"));
      assertThat(src.next()).isEqualTo(new KmsgRecordSource.Record("d"));
      assertThat(src.next()).isInstanceOf(KmsgRecordSource.End.class);
    }
  }

  @Test
  void anOverlongLineIsLostNotCut(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("log");
    Files.writeString(f, "x".repeat(FileRecordSource.MAX_LINE + 10) + "\nnext\n");
    try (var src = new FileRecordSource(f)) {
      assertThat(src.next()).isInstanceOf(KmsgRecordSource.Lost.class);
      assertThat(src.next()).isEqualTo(new KmsgRecordSource.Record("next"));
    }
  }
}
