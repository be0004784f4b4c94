// The bare baseline: libexpat reading a file in 1 MiB chunks (XML_GetBuffer / XML_ParseBuffer,
// expat's own buffer, no extra copy) and counting <Event> start elements. Nothing else.
//
//   expat-count FILE|-    prints {"tool":"expat-count","events":N,"bytes":B,"seconds":S}
//
// Root-less input (wevtutil's bare concatenated <Event> elements) is not one XML document, so a
// synthetic root start tag is fed first and its end tag last, as the importer does. Input that
// starts with an XML declaration or an <Events> root is parsed as it is.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <expat.h>  // linked through the BenchExpat system-library target

enum { CHUNK = 1 << 20 };

static const char ROOT_OPEN[] = "<bench-root>";
static const char ROOT_CLOSE[] = "</bench-root>";

static void XMLCALL on_start(void *user_data, const XML_Char *name, const XML_Char **attributes) {
    (void)attributes;
    if (strcmp(name, "Event") == 0) {
        ++*(unsigned long long *)user_data;
    }
}

static void XMLCALL on_end(void *user_data, const XML_Char *name) {
    (void)user_data;
    (void)name;
}

static ssize_t read_fully(int fd, char *buffer, size_t count) {
    size_t done = 0;
    while (done < count) {
        ssize_t n = read(fd, buffer + done, count - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/// True when the first non-blank bytes are "<?xml" or "<Events" (a document with its own root).
static int has_own_root(const char *head, size_t count) {
    size_t i = 0;
    if (count >= 3 && (unsigned char)head[0] == 0xEF && (unsigned char)head[1] == 0xBB &&
        (unsigned char)head[2] == 0xBF)
        i = 3;
    while (i < count && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
    if (count - i >= 5 && memcmp(head + i, "<?xml", 5) == 0) return 1;
    if (count - i >= 8 && memcmp(head + i, "<Events", 7) == 0 &&
        (head[i + 7] == '>' || head[i + 7] == ' ' || head[i + 7] == '\n' || head[i + 7] == '\r' ||
         head[i + 7] == '\t'))
        return 1;
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(XML_Parser parser, const char *path) {
    fprintf(stderr, "expat-count: %s:%lu:%lu: %s\n", path, (unsigned long)XML_GetCurrentLineNumber(parser),
            (unsigned long)XML_GetCurrentColumnNumber(parser), XML_ErrorString(XML_GetErrorCode(parser)));
    XML_ParserFree(parser);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: expat-count FILE|-\n");
        return 2;
    }
    const char *path = argv[1];
    double started = now();
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "expat-count: %s: %s\n", path, strerror(errno));
        return 1;
    }
    XML_Parser parser = XML_ParserCreate("UTF-8");
    if (parser == NULL) {
        fprintf(stderr, "expat-count: out of memory\n");
        return 1;
    }
    unsigned long long events = 0, bytes = 0;
    XML_SetUserData(parser, &events);
    XML_SetElementHandler(parser, on_start, on_end);

    int wrapped = -1;  // decided from the first chunk
    for (;;) {
        char *buffer = XML_GetBuffer(parser, CHUNK);
        if (buffer == NULL) return fail(parser, path);
        ssize_t n = read_fully(fd, buffer, CHUNK);
        if (n < 0) {
            fprintf(stderr, "expat-count: %s: read failed: %s\n", path, strerror(errno));
            XML_ParserFree(parser);
            return 1;
        }
        if (wrapped < 0) {
            wrapped = !has_own_root(buffer, (size_t)n);
            if (wrapped) {
                // Copy the chunk aside, feed the root tag, then the chunk (happens once per file).
                static char first[CHUNK];
                memcpy(first, buffer, (size_t)n);
                if (XML_Parse(parser, ROOT_OPEN, (int)strlen(ROOT_OPEN), 0) == XML_STATUS_ERROR ||
                    XML_Parse(parser, first, (int)n, 0) == XML_STATUS_ERROR)
                    return fail(parser, path);
                bytes += (unsigned long long)n;
                if (n == 0) break;
                continue;
            }
        }
        bytes += (unsigned long long)n;
        int last = n == 0 && !wrapped;
        if (XML_ParseBuffer(parser, (int)n, last) == XML_STATUS_ERROR) return fail(parser, path);
        if (n == 0) break;
    }
    if (wrapped && XML_Parse(parser, ROOT_CLOSE, (int)strlen(ROOT_CLOSE), 1) == XML_STATUS_ERROR)
        return fail(parser, path);
    XML_ParserFree(parser);
    if (fd != 0) close(fd);
    printf("{\"tool\":\"expat-count\",\"events\":%llu,\"bytes\":%llu,\"seconds\":%.6f}\n", events, bytes,
           now() - started);
    return 0;
}
