/*
 * A stand-in for libnvidia-ml.so.1 with the real H100's values, for NvmlStubTest: it checks
 * that the java.lang.foreign binding passes the arguments and reads the structs the way
 * nvml.h lays them out. Only the functions Nvml.java calls; types spelled as in nvml.h.
 * Device 1 is "lost" (every call fails with GPU_IS_LOST) so that path is exercised too.
 */
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlEventSet_st *nvmlEventSet_t;

typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int version; unsigned long long total, reserved, free, used; } nvmlMemory_v2_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct {
  char busIdLegacy[16];
  unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;
typedef struct {
  nvmlDevice_t device;
  unsigned long long eventType, eventData;
  unsigned int gpuInstanceId, computeInstanceId;
} nvmlEventData_t;

#define OK 0
#define INVALID_ARGUMENT 2
#define GPU_IS_LOST 15
#define MIB (1024ULL * 1024ULL)

static struct nvmlDevice_st { int index; } devices[2] = {{0}, {1}};
static struct nvmlEventSet_st { int registered; } event_set;
static int initialised;

#define DEVICE_OR_LOST(d) if ((d) != &devices[0]) return GPU_IS_LOST;

nvmlReturn_t nvmlInit_v2(void) { initialised = 1; return OK; }
nvmlReturn_t nvmlShutdown(void) { initialised = 0; return OK; }

static nvmlReturn_t copy(char *out, unsigned int len, const char *s) {
  if (strlen(s) + 1 > len) return 7; /* INSUFFICIENT_SIZE */
  strcpy(out, s);
  return OK;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int len) { return copy(v, len, "580.159.04"); }
nvmlReturn_t nvmlSystemGetNVMLVersion(char *v, unsigned int len) { return copy(v, len, "13.580.159.04"); }
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v) { *v = 13000; return OK; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { *n = 2; return OK; }

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) {
  if (i > 1) return INVALID_ARGUMENT;
  *d = &devices[i];
  return OK;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *u, unsigned int len) {
  DEVICE_OR_LOST(d);
  return copy(u, len, "GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94");
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *n, unsigned int len) {
  DEVICE_OR_LOST(d);
  return copy(n, len, "NVIDIA H100 80GB HBM3");
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *p) {
  DEVICE_OR_LOST(d);
  memset(p, 0, sizeof *p);
  strcpy(p->busIdLegacy, "0000:00:06.0");
  p->bus = 0; p->device = 6; p->pciDeviceId = 0x233010DE; p->pciSubSystemId = 0x16C110DE;
  strcpy(p->busId, "00000000:00:06.0");
  return OK;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m) {
  DEVICE_OR_LOST(d);
  if (m->version != (unsigned int) (sizeof(nvmlMemory_v2_t) | (2u << 24))) return 25; /* ARGUMENT_VERSION_MISMATCH */
  m->total = 81559 * MIB; m->reserved = 480 * MIB; m->free = 81079 * MIB; m->used = 0;
  return OK;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
  DEVICE_OR_LOST(d);
  u->gpu = 42; u->memory = 7;
  return OK;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *t) {
  DEVICE_OR_LOST(d);
  if (sensor != 0) return INVALID_ARGUMENT;
  *t = 37;
  return OK;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) { DEVICE_OR_LOST(d); *mw = 70547; return OK; }

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t d, unsigned long long *r) {
  DEVICE_OR_LOST(d);
  *r = 0x1ULL | 0x40ULL; /* idle + hw thermal slowdown: two bits so the order of bits is checked */
  return OK;
}

/* errorType 0 corrected / 1 uncorrected; counterType 0 volatile / 1 aggregate: distinct values per pair */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t d, int errorType, int counterType, unsigned long long *n) {
  DEVICE_OR_LOST(d);
  *n = 10ULL * (unsigned long long) counterType + (unsigned long long) errorType + 1; /* 1, 2, 11, 12 */
  return OK;
}

nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t d, unsigned int *corr, unsigned int *unc, unsigned int *pending,
                                       unsigned int *failure) {
  DEVICE_OR_LOST(d);
  *corr = 3; *unc = 5; *pending = 1; *failure = 0;
  return OK;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t d, unsigned int *current, unsigned int *pending) {
  DEVICE_OR_LOST(d);
  *current = 0; *pending = 1;
  return OK;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) { *set = &event_set; return OK; }
nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) { (void) set; return OK; }

nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t d, unsigned long long *types) {
  DEVICE_OR_LOST(d);
  *types = 65439ULL; /* what the real H100 reported */
  return OK;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t d, unsigned long long types, nvmlEventSet_t set) {
  DEVICE_OR_LOST(d);
  if (types != (0x8ULL | 0x2ULL)) return INVALID_ARGUMENT;
  set->registered++;
  return OK;
}

/* The first wait delivers Xid 79 on device 0; later waits time out. */
nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
  static int delivered;
  if (set != &event_set || set->registered == 0) return INVALID_ARGUMENT;
  if (delivered || timeoutms == 0) return 10; /* TIMEOUT */
  delivered = 1;
  data->device = &devices[0];
  data->eventType = 0x8ULL;
  data->eventData = 79;
  data->gpuInstanceId = 0xFFFFFFFFu;
  data->computeInstanceId = 0xFFFFFFFFu;
  return OK;
}
