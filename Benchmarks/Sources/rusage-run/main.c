// rusage-run CMD ARGS…: runs CMD as a child, waits for it, then prints one JSON line on standard
// output after everything CMD printed:
//   {"rusage":{"exit":0,"wall":1.234567,"user":1.2,"sys":0.03,"maxrss_kib":23748}}
//
// Why not os.wait4 in run.py: Linux keeps the peak RSS of a process across exec(), so a child
// forked from Python starts with Python's own peak (about 25 MiB) and ru_maxrss never reads
// lower. This helper is small, so the peak RSS it reports is CMD's own.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: rusage-run CMD [ARGS…]\n");
        return 2;
    }
    fflush(stdout);
    double started = now();
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "rusage-run: fork: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "rusage-run: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    while (wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "rusage-run: wait4: %s\n", strerror(errno));
            return 1;
        }
    }
    double wall = now() - started;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("{\"rusage\":{\"exit\":%d,\"wall\":%.6f,\"user\":%.6f,\"sys\":%.6f,\"maxrss_kib\":%ld}}\n", code, wall,
           seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss);
    return code;
}
