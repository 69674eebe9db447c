/* floor.c — what libssh itself costs per device: the least a client
 * built on it can do for `show version` (connect, check the host key,
 * authenticate with a key, open a shell, send the commands, read to the
 * end), one device after another on one thread, so no concurrency cost
 * is added.  The fan-out benchmark prints it beside netrun's figure, so
 * netrun's cost can be told apart from its dependency's.
 *
 *   floor DEVS.TSV KNOWN_HOSTS   (lines: name host port user key platform)
 * prints "N devices, CPU S s, MS ms/device, OK ok". */
#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int one(const char *host, int port, const char *user, ssh_key key,
               const char *known_hosts, const char *platform)
{
    ssh_session s = ssh_new();
    ssh_channel c = NULL;
    int verbosity = SSH_LOG_NOLOG, no = 0, yes = 1, ok = 0;
    /* Paging off first, or the pager would swallow the "exit". */
    const char *cmds = strcmp(platform, "juniper_junos") == 0
                       ? "set cli screen-length 0\nshow version\nexit\n"
                       : "terminal length 0\nshow version\nexit\n";
    int len = (int)strlen(cmds);
    char buf[16384];

    if (s == NULL) {
        return 0;
    }
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
    ssh_options_set(s, SSH_OPTIONS_HOST, host);
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, user);
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
    if (ssh_connect(s) != SSH_OK ||
        ssh_session_is_known_server(s) != SSH_KNOWN_HOSTS_OK ||
        ssh_userauth_publickey(s, NULL, key) != SSH_AUTH_SUCCESS ||
        (c = ssh_channel_new(s)) == NULL ||
        ssh_channel_open_session(c) != SSH_OK ||
        ssh_channel_request_pty(c) != SSH_OK ||
        ssh_channel_request_shell(c) != SSH_OK ||
        ssh_channel_write(c, cmds, (uint32_t)len) != len) {
        goto out;
    }
    /* The device closes the shell after "exit": read to that end. */
    for (;;) {
        int n = ssh_channel_read_timeout(c, buf, sizeof(buf), 0, 10000);

        if (n <= 0) {
            ok = n == 0 && ssh_channel_is_eof(c);
            break;
        }
    }
out:
    ssh_disconnect(s);
    ssh_free(s);
    return ok;
}

int main(int argc, char **argv)
{
    FILE *fp;
    char line[2048];
    char last[1024] = "";
    ssh_key key = NULL;
    int n = 0, ok = 0;
    struct rusage ru;
    double cpu;

    if (argc != 3 || (fp = fopen(argv[1], "r")) == NULL) {
        fprintf(stderr, "usage: floor DEVS.TSV KNOWN_HOSTS\n");
        return 2;
    }
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *f[6], *save = NULL;
        int i = 0;

        for (char *t = strtok_r(line, "\t\n", &save); t != NULL && i < 6;
             t = strtok_r(NULL, "\t\n", &save)) {
            f[i++] = t;
        }
        if (i < 6) {
            continue;
        }
        /* The key is read once, as netrun does. */
        if (strcmp(f[4], last) != 0) {
            ssh_key_free(key);
            key = NULL;
            snprintf(last, sizeof(last), "%s", f[4]);
            if (ssh_pki_import_privkey_file(f[4], NULL, NULL, NULL,
                                            &key) != SSH_OK) {
                last[0] = '\0';
                continue;
            }
        }
        ok += one(f[1], atoi(f[2]), f[3], key, argv[2], f[5]);
        n++;
    }
    ssh_key_free(key);
    fclose(fp);
    getrusage(RUSAGE_SELF, &ru);
    cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("%d devices, CPU %.3f s, %.2f ms/device, %d ok\n", n, cpu,
           n > 0 ? cpu * 1000 / n : 0.0, ok);
    return ok == n ? 0 : 1;
}
