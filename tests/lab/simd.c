/* simd — many simulated devices in one process, on libssh's server API.
 *
 * For benchmarks with hundreds of devices, where one OpenSSH login costs
 * tens of milliseconds of CPU and MaxStartups refuses bursts.  One
 * listening socket on loopback; the login name picks the device:
 * dev0001 .. devN, platforms round-robin (cisco_ios, cisco_nxos, cisco_xr,
 * arista_eos, juniper_junos).  Password "Nr-<user>-<seed>" (the seed from
 * --seed-file) or the lab client key.  Each accepted connection gets a
 * thread with a small stack that runs libssh blocking calls and the same
 * simulator core as labsim: shell (with or without pty) and exec.
 *
 *   simd --port P --devices N --hostkey F [--hostkey F] --authorized-key F
 *        --seed-file F [--listen 127.0.0.1] [--data DIR] [--pidfile F]
 *        [--lifetime S] [--max-sessions M]
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "sim.h"

#ifndef NR_SRCDIR
#define NR_SRCDIR "."
#endif

#define MAX_DEVICES 100000
#define MAX_AUTH_MESSAGES 40
#define THREAD_STACK (512u << 10)

static const enum labsim_platform rotation[] = {
    LABSIM_IOS, LABSIM_NXOS, LABSIM_XR, LABSIM_EOS, LABSIM_JUNOS,
};

struct server {
    ssh_bind bind;
    ssh_key client_key;
    struct labsim_data *data;
    struct labsim_dev *devs;
    size_t ndevs;
    char seed[128];
    atomic_int active;
    atomic_ulong logins;
};

struct conn {
    struct server *srv;
    ssh_session session;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* "dev0042" -> its device, or NULL. */
static const struct labsim_dev *device_of(const struct server *srv,
                                          const char *user)
{
    char *end = NULL;
    unsigned long i;

    if (user == NULL || strncmp(user, "dev", 3) != 0 || user[3] < '0' ||
        user[3] > '9') {
        return NULL;
    }
    i = strtoul(user + 3, &end, 10);
    if (*end != '\0' || i == 0 || i > srv->ndevs) {
        return NULL;
    }
    return &srv->devs[i - 1];
}

static int password_ok(const struct server *srv, const char *user,
                       const char *pw)
{
    char want[256];

    if (pw == NULL) {
        return 0;
    }
    snprintf(want, sizeof(want), "Nr-%s-%s", user, srv->seed);
    return strcmp(pw, want) == 0;
}

/* libssh 0.10 marks the message-based auth getters deprecated in favour
 * of server callbacks; they still work, and the blocking message loop
 * keeps a thread-per-connection server short and easy to bound. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* Password or the lab key; returns the device, NULL when the client
 * gave up or failed too often. */
static const struct labsim_dev *authenticate(struct conn *c)
{
    const struct labsim_dev *dev = NULL;
    const struct labsim_dev *ok = NULL;
    ssh_message msg = NULL;
    int n;

    for (n = 0; n < MAX_AUTH_MESSAGES && ok == NULL; n++) {
        msg = ssh_message_get(c->session);
        if (msg == NULL) {
            break;
        }
        if (ssh_message_type(msg) == SSH_REQUEST_AUTH) {
            dev = device_of(c->srv, ssh_message_auth_user(msg));
            switch (ssh_message_subtype(msg)) {
            case SSH_AUTH_METHOD_PASSWORD:
                if (dev != NULL &&
                    password_ok(c->srv, ssh_message_auth_user(msg),
                                ssh_message_auth_password(msg))) {
                    ssh_message_auth_reply_success(msg, 0);
                    ok = dev;
                    goto next;
                }
                break;
            case SSH_AUTH_METHOD_PUBLICKEY:
                if (dev != NULL &&
                    ssh_key_cmp(ssh_message_auth_pubkey(msg),
                                c->srv->client_key,
                                SSH_KEY_CMP_PUBLIC) == 0) {
                    if (ssh_message_auth_publickey_state(msg) ==
                        SSH_PUBLICKEY_STATE_VALID) {
                        ssh_message_auth_reply_success(msg, 0);
                        ok = dev;
                    } else {
                        ssh_message_auth_reply_pk_ok_simple(msg);
                    }
                    goto next;
                }
                break;
            default:
                break;
            }
            ssh_message_auth_set_methods(msg, SSH_AUTH_METHOD_PASSWORD |
                                                  SSH_AUTH_METHOD_PUBLICKEY);
        }
        ssh_message_reply_default(msg);
    next:
        ssh_message_free(msg);
    }
    return ok;
}

#pragma GCC diagnostic pop

/* The session channel and its shell or exec request. *cmd is NULL for a
 * shell, else the exec command (caller frees). */
static ssh_channel open_channel(struct conn *c, char **cmd)
{
    ssh_channel ch = NULL;
    ssh_message msg = NULL;
    const char *ec = NULL;
    int n;
    int done = 0;

    *cmd = NULL;
    for (n = 0; n < MAX_AUTH_MESSAGES && !done; n++) {
        msg = ssh_message_get(c->session);
        if (msg == NULL) {
            break;
        }
        if (ch == NULL && ssh_message_type(msg) == SSH_REQUEST_CHANNEL_OPEN &&
            ssh_message_subtype(msg) == SSH_CHANNEL_SESSION) {
            ch = ssh_message_channel_request_open_reply_accept(msg);
        } else if (ch != NULL && ssh_message_type(msg) == SSH_REQUEST_CHANNEL) {
            switch (ssh_message_subtype(msg)) {
            case SSH_CHANNEL_REQUEST_PTY:
            case SSH_CHANNEL_REQUEST_ENV:
            case SSH_CHANNEL_REQUEST_WINDOW_CHANGE:
                ssh_message_channel_request_reply_success(msg);
                break;
            case SSH_CHANNEL_REQUEST_SHELL:
                ssh_message_channel_request_reply_success(msg);
                done = 1;
                break;
            case SSH_CHANNEL_REQUEST_EXEC:
                ec = ssh_message_channel_request_command(msg);
                *cmd = strdup(ec != NULL ? ec : "");
                if (*cmd != NULL) {
                    ssh_message_channel_request_reply_success(msg);
                    done = 1;
                } else {
                    ssh_message_reply_default(msg);
                }
                break;
            default:
                ssh_message_reply_default(msg);
                break;
            }
        } else {
            ssh_message_reply_default(msg);
        }
        ssh_message_free(msg);
    }
    if (!done && ch != NULL) {
        ssh_channel_free(ch);
        ch = NULL;
    }
    return ch;
}

/* Let libssh read and handle what arrives, for at most ms. */
static void pump(ssh_event ev, int ms)
{
    if (ev != NULL) {
        ssh_event_dopoll(ev, ms);
    }
}

/* After our close: the client reads the exit status and disconnects
 * itself; closing first would break its pipe. Bounded wait for that. */
static void linger(ssh_session session, ssh_event ev)
{
    int i;

    for (i = 0; i < 30 && ssh_is_connected(session); i++) {
        pump(ev, 100);
    }
}

/* Drive the simulator over the channel until it ends. */
static void serve(struct conn *c, ssh_channel ch, const struct labsim_dev *dev,
                  const char *cmd)
{
    struct labsim *s = NULL;
    ssh_event ev = NULL;
    char buf[16384];
    enum labsim_st st;
    size_t n = 0;
    unsigned wait_ms = 0;
    int eof = 0;
    int r;

    if (labsim_new(&s, c->srv->data, dev, cmd) != 0) {
        goto out;
    }
    ev = ssh_event_new();
    if (ev != NULL && ssh_event_add_session(ev, c->session) != SSH_OK) {
        ssh_event_free(ev);
        ev = NULL;
    }
    while (!stop_flag) {
        st = labsim_pull(s, labsim_now_ms(), buf, sizeof(buf), &n, &wait_ms);
        if (st == LABSIM_OUTPUT) {
            if (ssh_channel_write(ch, buf, (uint32_t)n) == SSH_ERROR) {
                break;
            }
            continue;
        }
        if (st == LABSIM_EXIT) {
            ssh_channel_request_send_exit_status(ch, labsim_exit_status(s));
            ssh_channel_send_eof(ch);
            ssh_channel_close(ch);
            linger(c->session, ev);
            break;
        }
        if (st == LABSIM_DROP) {
            /* the drop fault: the TCP connection breaks mid-output */
            shutdown(ssh_get_fd(c->session), SHUT_RDWR);
            break;
        }
        if (eof) {
            /* no more input can come: wait in slices, and notice when
             * the peer goes away */
            pump(ev, wait_ms < 100 ? (int)wait_ms : 100);
            if (ssh_channel_is_closed(ch) || !ssh_is_connected(c->session)) {
                break;
            }
            continue;
        }
        r = ssh_channel_poll_timeout(ch, (int)wait_ms, 0);
        if (r == SSH_ERROR) {
            break;
        }
        if (r == SSH_EOF) {
            labsim_eof(s);
            eof = 1;
            continue;
        }
        if (r > 0) {
            r = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), 0);
            if (r == SSH_ERROR) {
                break;
            }
            if (r > 0 && labsim_feed(s, buf, (size_t)r) != 0) {
                break;
            }
        }
    }
out:
    if (ev != NULL) {
        ssh_event_remove_session(ev, c->session);
        ssh_event_free(ev);
    }
    labsim_free(s);
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    const struct labsim_dev *dev = NULL;
    ssh_channel ch = NULL;
    char *cmd = NULL;

    if (ssh_handle_key_exchange(c->session) != SSH_OK) {
        goto out;
    }
    dev = authenticate(c);
    if (dev == NULL) {
        goto out;
    }
    atomic_fetch_add(&c->srv->logins, 1);
    ch = open_channel(c, &cmd);
    if (ch == NULL) {
        goto out;
    }
    serve(c, ch, dev, cmd);
out:
    free(cmd);
    if (ch != NULL) {
        ssh_channel_free(ch);
    }
    ssh_disconnect(c->session);
    ssh_free(c->session);
    atomic_fetch_sub(&c->srv->active, 1);
    free(c);
    return NULL;
}

static int listen_on(const char *addr, int port)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    int one = 1;
    int fd = -1;
    int v6 = strchr(addr, ':') != NULL;

    memset(&a4, 0, sizeof(a4));
    memset(&a6, 0, sizeof(a6));
    if (v6) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, addr, &a6.sin6_addr) != 1 ||
            !IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr)) {
            return -1;
        }
    } else {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        /* loopback only: 127.0.0.0/8 */
        if (inet_pton(AF_INET, addr, &a4.sin_addr) != 1 ||
            (ntohl(a4.sin_addr.s_addr) >> 24) != 127) {
            return -1;
        }
    }
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if ((v6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
            : bind(fd, (struct sockaddr *)&a4, sizeof(a4))) != 0 ||
        listen(fd, 4096) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int read_seed(const char *path, char *seed, size_t len)
{
    FILE *fp = fopen(path, "r");
    int rc = -1;

    if (fp == NULL) {
        return -1;
    }
    if (fgets(seed, (int)len, fp) != NULL) {
        seed[strcspn(seed, "\r\n")] = '\0';
        rc = seed[0] != '\0' ? 0 : -1;
    }
    fclose(fp);
    return rc;
}

static int make_devices(struct server *srv, size_t n, const char *state_dir)
{
    size_t i;

    srv->devs = calloc(n, sizeof(*srv->devs));
    if (srv->devs == NULL) {
        return -1;
    }
    srv->ndevs = n;
    for (i = 0; i < n; i++) {
        struct labsim_dev *d = &srv->devs[i];

        labsim_dev_init(d);
        snprintf(d->name, sizeof(d->name), "dev%04zu", i + 1);
        snprintf(d->hostname, sizeof(d->hostname), "%s", d->name);
        snprintf(d->user, sizeof(d->user), "%s", d->name);
        d->platform = rotation[i % (sizeof(rotation) / sizeof(rotation[0]))];
        if (state_dir != NULL) {
            snprintf(d->state_path, sizeof(d->state_path), "%s/%s.cfg",
                     state_dir, d->name);
        }
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: simd --port P --devices N --hostkey F [--hostkey F]\n"
            "            --authorized-key F --seed-file F [--listen ADDR]\n"
            "            [--data DIR] [--state-dir DIR] [--pidfile F]\n"
            "            [--lifetime S] [--max-sessions M]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "port", required_argument, NULL, 'p' },
        { "listen", required_argument, NULL, 'l' },
        { "devices", required_argument, NULL, 'n' },
        { "hostkey", required_argument, NULL, 'k' },
        { "authorized-key", required_argument, NULL, 'a' },
        { "seed-file", required_argument, NULL, 's' },
        { "data", required_argument, NULL, 'D' },
        { "state-dir", required_argument, NULL, 'S' },
        { "pidfile", required_argument, NULL, 'P' },
        { "lifetime", required_argument, NULL, 't' },
        { "max-sessions", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct server srv;
    struct sigaction sa;
    struct rlimit rl;
    struct pollfd pf;
    pthread_attr_t attr;
    pthread_t tid;
    struct conn *c = NULL;
    const char *listen_addr = "127.0.0.1";
    const char *datadir = NR_SRCDIR "/tests/lab/data";
    const char *authkey = NULL;
    const char *seedfile = NULL;
    const char *pidfile = NULL;
    const char *state_dir = NULL;
    const char *hostkeys[2] = { NULL, NULL };
    char msg[512];
    unsigned long port = 0;
    unsigned long ndev = 0;
    unsigned long lifetime = 14400;
    unsigned long max_sessions = 2000;
    uint64_t end_at;
    size_t nkeys = 0;
    size_t i;
    int lfd = -1;
    int fd = -1;
    int rc = 2;
    int o;

    memset(&srv, 0, sizeof(srv));
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'p':
            port = strtoul(optarg, NULL, 10);
            break;
        case 'l':
            listen_addr = optarg;
            break;
        case 'n':
            ndev = strtoul(optarg, NULL, 10);
            break;
        case 'k':
            if (nkeys < 2) {
                hostkeys[nkeys++] = optarg;
            }
            break;
        case 'a':
            authkey = optarg;
            break;
        case 's':
            seedfile = optarg;
            break;
        case 'D':
            datadir = optarg;
            break;
        case 'S':
            state_dir = optarg;
            break;
        case 'P':
            pidfile = optarg;
            break;
        case 't':
            lifetime = strtoul(optarg, NULL, 10);
            break;
        case 'm':
            max_sessions = strtoul(optarg, NULL, 10);
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (port == 0 || port > 65535 || ndev == 0 || ndev > MAX_DEVICES ||
        nkeys == 0 || authkey == NULL || seedfile == NULL || optind != argc) {
        usage();
        return 2;
    }
    if (read_seed(seedfile, srv.seed, sizeof(srv.seed)) != 0) {
        fprintf(stderr, "simd: %s: no seed\n", seedfile);
        goto out;
    }
    if (labsim_data_load(&srv.data, datadir, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "simd: %s\n", msg);
        goto out;
    }
    if (make_devices(&srv, ndev, state_dir) != 0) {
        goto out;
    }
    /* a thousand sessions want a thousand sockets and more */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    ssh_init();
    srv.bind = ssh_bind_new();
    if (srv.bind == NULL) {
        goto out;
    }
    for (i = 0; i < nkeys; i++) {
        if (ssh_bind_options_set(srv.bind, SSH_BIND_OPTIONS_HOSTKEY,
                                 hostkeys[i]) != SSH_OK) {
            fprintf(stderr, "simd: %s: %s\n", hostkeys[i],
                    ssh_get_error(srv.bind));
            goto out;
        }
    }
    if (ssh_pki_import_pubkey_file(authkey, &srv.client_key) != SSH_OK) {
        fprintf(stderr, "simd: %s: cannot read the public key\n", authkey);
        goto out;
    }
    /* our own socket: libssh's listen() backlog is too small for bursts */
    lfd = listen_on(listen_addr, (int)port);
    if (lfd < 0) {
        fprintf(stderr, "simd: cannot listen on %s port %lu: %s\n",
                listen_addr, port, strerror(errno));
        goto out;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (pidfile != NULL) {
        FILE *fp = fopen(pidfile, "w");

        if (fp != NULL) {
            fprintf(fp, "%ld\n", (long)getpid());
            fclose(fp);
        }
    }
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    fprintf(stderr, "simd: %lu devices on %s port %lu\n", ndev, listen_addr,
            port);
    end_at = labsim_now_ms() + (uint64_t)lifetime * 1000;
    rc = 0;
    while (!stop_flag && labsim_now_ms() < end_at) {
        pf.fd = lfd;
        pf.events = POLLIN;
        pf.revents = 0;
        if (poll(&pf, 1, 1000) <= 0) {
            continue;
        }
        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        /* Devices answer at once: without this, Nagle holds each small
         * reply until the client's delayed ACK (about 40 ms a turn). */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
        if ((unsigned long)atomic_load(&srv.active) >= max_sessions) {
            close(fd);
            continue;
        }
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->srv = &srv;
        c->session = ssh_new();
        if (c->session == NULL) {
            free(c);
            close(fd);
            continue;
        }
        {
            long timeout = 30;

            ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &timeout);
        }
        if (ssh_bind_accept_fd(srv.bind, c->session, fd) != SSH_OK) {
            /* the session owns fd now: ssh_free closes it */
            ssh_free(c->session);
            free(c);
            continue;
        }
        atomic_fetch_add(&srv.active, 1);
        if (pthread_create(&tid, &attr, conn_main, c) != 0) {
            atomic_fetch_sub(&srv.active, 1);
            ssh_free(c->session);
            free(c);
        }
    }
    pthread_attr_destroy(&attr);
    close(lfd);
    lfd = -1;
    /* sessions notice stop_flag; give them a bounded moment */
    for (i = 0; i < 50 && atomic_load(&srv.active) > 0; i++) {
        struct timespec ts = { 0, 100 * 1000 * 1000 };

        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "simd: stopping after %lu logins\n",
            (unsigned long)atomic_load(&srv.logins));
    if (atomic_load(&srv.active) > 0) {
        /* threads still own libssh sessions: leave the rest to exit() */
        _exit(rc);
    }
out:
    if (lfd >= 0) {
        close(lfd);
    }
    if (pidfile != NULL && rc == 0) {
        unlink(pidfile);
    }
    ssh_key_free(srv.client_key);
    if (srv.bind != NULL) {
        ssh_bind_free(srv.bind);
    }
    for (i = 0; i < srv.ndevs; i++) {
        labsim_dev_dispose(&srv.devs[i]);
    }
    free(srv.devs);
    labsim_data_free(srv.data);
    ssh_finalize();
    return rc;
}
