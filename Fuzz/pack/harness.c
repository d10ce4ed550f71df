/*
 * Fuzz target `pack`: Sources/CGitPack/pack.c, the pack and index reader, compiled with
 * -fsanitize=fuzzer,address. One input is split into an .idx and a .pack:
 *
 *   byte 0      flags: bit 0 set = copy the pack's trailing checksum into the .idx's pack-checksum slot
 *               (the reader refuses an index that names another pack; without the fix-up almost every
 *               mutation would stop there)
 *   bytes 1..4  the .idx length, little-endian (clamped to what is there)
 *   then        the .idx bytes, then the .pack bytes
 *
 * Both are written to a fresh objects/pack directory, a backend is opened on it the way GitBridge does,
 * and every object the index names is read with yardstick_pack_read (also a few names it does not hold).
 * Property: every read returns an object or -1; AddressSanitizer reports any bad access.
 */
#include "CGitPack.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char objects_dir[256], idx_path[300], pack_path[300];

static int write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) return -1;
    size_t written = size ? fwrite(data, 1, size, f) : 0;
    int rc = fclose(f);
    return written == size && rc == 0 ? 0 : -1;
}

static void setup(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(objects_dir, sizeof objects_dir, "%s/yardstick-fuzz-pack-%d/objects", tmp && *tmp ? tmp : "/tmp",
             (int)getpid());
    char pack_dir[300];
    snprintf(pack_dir, sizeof pack_dir, "%s/pack", objects_dir);
    char top[256];
    snprintf(top, sizeof top, "%.*s", (int)(strlen(objects_dir) - strlen("/objects")), objects_dir);
    mkdir(top, 0700);
    mkdir(objects_dir, 0700);
    mkdir(pack_dir, 0700);
    snprintf(idx_path, sizeof idx_path, "%s/pack-fuzz.idx", pack_dir);
    snprintf(pack_path, sizeof pack_path, "%s/pack-fuzz.pack", pack_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (objects_dir[0] == 0) setup();
    if (size < 5) return 0;
    uint8_t flags = data[0];
    size_t idx_len = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 | (size_t)data[4] << 24;
    const uint8_t *rest = data + 5;
    size_t rest_len = size - 5;
    if (idx_len > rest_len) idx_len = rest_len;
    const uint8_t *pack = rest + idx_len;
    size_t pack_len = rest_len - idx_len;

    uint8_t *idx = malloc(idx_len ? idx_len : 1);
    if (idx == NULL) return 0;
    memcpy(idx, rest, idx_len);
    if ((flags & 1) && idx_len >= 40 && pack_len >= 20) memcpy(idx + idx_len - 40, pack + pack_len - 20, 20);
    int ok = write_file(idx_path, idx, idx_len) == 0 && write_file(pack_path, pack, pack_len) == 0;
    if (ok) {
        void *backend = yardstick_pack_backend_new(objects_dir, (size_t)64 << 20);
        if (backend) {
            /* Every name in the index (the reader accepted it, so count*20 names are there). */
            uint32_t count = idx_len >= 8 + 1024 ? (uint32_t)idx[8 + 1020] << 24 | (uint32_t)idx[8 + 1021] << 16 |
                                                       (uint32_t)idx[8 + 1022] << 8 | idx[8 + 1023]
                                                 : 0;
            for (uint32_t pass = 0; pass < 2; pass++) { /* the second pass reads through the delta-base cache */
                for (uint32_t i = 0; i < count; i++) {
                    void *object = NULL;
                    size_t length = 0;
                    int type = 0;
                    if (yardstick_pack_read(backend, idx + 8 + 1024 + (size_t)i * 20, &object, &length, &type) == 0) {
                        if (type < 1 || type > 4) abort();
                        if (((unsigned char *)object)[length] != 0) abort(); /* results are NUL-terminated */
                        free(object);
                    }
                }
            }
            unsigned char absent[20];
            for (int k = 0; k < 256; k += 51) {
                memset(absent, k, sizeof absent);
                void *object = NULL;
                size_t length = 0;
                int type = 0;
                if (yardstick_pack_read(backend, absent, &object, &length, &type) == 0) free(object);
            }
            yardstick_pack_stats stats;
            yardstick_pack_backend_stats(backend, &stats);
            yardstick_pack_backend_free(backend);
        }
    }
    free(idx);
    return 0;
}
