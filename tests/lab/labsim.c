/* labsim — one simulated network device on stdin/stdout.
 *
 * The lab's sshd runs it as the forced command of a device's user:
 *   labsim --device $LAB_DIR/ssh/devices/ios1.conf
 * With a pty it is the device's interactive CLI (raw terminal, the device
 * echoes); with SSH_ORIGINAL_COMMAND set (an exec channel) it runs that
 * one command and exits 0, or 1 when the device rejected it.
 * By hand:  build/lab/labsim --platform cisco_ios --set hostname=r1
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

#ifndef NR_SRCDIR
#define NR_SRCDIR "."
#endif

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int write_all(int fd, const char *p, size_t n)
{
    ssize_t w;

    while (n > 0) {
        w = write(fd, p, n);
        if (w < 0 && errno == EINTR && !stop_flag) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The drop fault: the connection must break, not close cleanly. Our
 * parent is the sshd process of this connection (running as this lab
 * user); killing it cuts the TCP connection without an SSH goodbye. */
static void drop_connection(void)
{
    char path[64];
    char comm[64] = "";
    FILE *fp = NULL;
    pid_t pp = getppid();
    struct timespec ts = { 0, 200 * 1000 * 1000 };

    /* let sshd forward what was written before the cut */
    nanosleep(&ts, NULL);
    snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pp);
    fp = fopen(path, "r");
    if (fp != NULL) {
        if (fgets(comm, sizeof(comm), fp) == NULL) {
            comm[0] = '\0';
        }
        fclose(fp);
    }
    if (strncmp(comm, "sshd", 4) == 0) {
        kill(pp, SIGKILL);
    }
}

static void usage(void)
{
    fprintf(stderr,
            "usage: labsim --device FILE [--data DIR] [--exec CMD]\n"
            "       labsim --platform P [--set KEY=VALUE]... [--data DIR] "
            "[--exec CMD]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "device", required_argument, NULL, 'd' },
        { "platform", required_argument, NULL, 'p' },
        { "set", required_argument, NULL, 's' },
        { "data", required_argument, NULL, 'D' },
        { "exec", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct labsim_dev dev;
    struct labsim_data *data = NULL;
    struct labsim *s = NULL;
    struct termios saved;
    struct pollfd pf[2];
    struct sigaction sa;
    const char *datadir = getenv("NR_LAB_DATA");
    const char *exec_cmd = getenv("SSH_ORIGINAL_COMMAND");
    const char *device = NULL;
    char msg[512];
    char buf[16384];
    char *eq = NULL;
    enum labsim_st st;
    size_t n = 0;
    unsigned wait_ms = 0;
    ssize_t got;
    int raw = 0;
    int in_open = 1;
    int rc = 2;
    int c;

    /* A device terminal is raw: it echoes and edits lines itself. First
     * thing, so the pty echoes as little early type-ahead as possible. */
    if (isatty(0) && tcgetattr(0, &saved) == 0) {
        struct termios t = saved;

        cfmakeraw(&t);
        if (tcsetattr(0, TCSANOW, &t) == 0) {
            raw = 1;
        }
    }
    labsim_dev_init(&dev);
    if (datadir == NULL || datadir[0] == '\0') {
        datadir = NR_SRCDIR "/tests/lab/data";
    }
    if (exec_cmd != NULL && exec_cmd[0] == '\0') {
        exec_cmd = NULL;
    }
    while ((c = getopt_long(argc, argv, "d:p:s:D:e:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            device = optarg;
            if (labsim_dev_load(&dev, device, msg, sizeof(msg)) != 0) {
                fprintf(stderr, "labsim: %s\n", msg);
                goto out;
            }
            break;
        case 'p':
            if (labsim_dev_set(&dev, "platform", optarg, msg, sizeof(msg))) {
                fprintf(stderr, "labsim: %s\n", msg);
                goto out;
            }
            break;
        case 's':
            eq = strchr(optarg, '=');
            if (eq == NULL) {
                usage();
                goto out;
            }
            *eq = '\0';
            if (labsim_dev_set(&dev, optarg, eq + 1, msg, sizeof(msg)) != 0) {
                fprintf(stderr, "labsim: %s\n", msg);
                goto out;
            }
            break;
        case 'D':
            datadir = optarg;
            break;
        case 'e':
            exec_cmd = optarg;
            break;
        case 'h':
            usage();
            rc = 0;
            goto out;
        default:
            usage();
            goto out;
        }
    }
    if (optind != argc) {
        usage();
        goto out;
    }
    if (labsim_data_load(&data, datadir, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "labsim: %s\n", msg);
        goto out;
    }
    if (labsim_new(&s, data, &dev, exec_cmd) != 0) {
        fprintf(stderr, "labsim: cannot start the session\n");
        goto out;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    rc = 0;
    while (!stop_flag) {
        st = labsim_pull(s, labsim_now_ms(), buf, sizeof(buf), &n, &wait_ms);
        if (st == LABSIM_OUTPUT) {
            if (write_all(1, buf, n) != 0) {
                break;
            }
            continue;
        }
        if (st == LABSIM_EXIT) {
            rc = labsim_exit_status(s);
            break;
        }
        if (st == LABSIM_DROP) {
            drop_connection();
            rc = 255;
            break;
        }
        pf[0].fd = in_open ? 0 : -1;
        pf[0].events = POLLIN;
        pf[0].revents = 0;
        pf[1].fd = 1;
        pf[1].events = 0;
        pf[1].revents = 0;
        if (poll(pf, 2, (int)wait_ms) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (pf[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            break; /* the peer is gone */
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            got = read(0, buf, sizeof(buf));
            if (got > 0) {
                if (labsim_feed(s, buf, (size_t)got) != 0) {
                    break;
                }
            } else if (got == 0) {
                labsim_eof(s);
                in_open = 0;
            } else if (errno != EINTR && errno != EAGAIN) {
                break; /* EIO: the pty's other side closed */
            }
        }
    }
out:
    if (raw) {
        tcsetattr(0, TCSANOW, &saved);
    }
    labsim_free(s);
    labsim_data_free(data);
    labsim_dev_dispose(&dev);
    return rc;
}
