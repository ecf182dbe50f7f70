#include "autoconf.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util.h"

static void (*oom_handler)(void);

void
util_set_oom_handler(void (*fn)(void))
{
	oom_handler = fn;
}

/* util sits below log, so the log reaches it through the handler. */
static ATTR_NORETURN void
oom(void)
{
	if (oom_handler != NULL)
		oom_handler();
	(void)fputs("out of memory\n", stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		oom();
	p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r == -1)
		oom();
	return p;
}

size_t
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int
util_strtonum(const char *s, long long min, long long max, long long *value_r,
	      const char **error_r)
{
	char *end;
	long long v;

	errno = 0;
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*error_r = "invalid";
		return -1;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*error_r = "invalid";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*error_r = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*error_r = "too large";
		return -1;
	}
	*value_r = v;
	return 0;
}

/* Reads exactly n digits; -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
util_parse_time(const char *s, time_t *time_r)
{
	struct tm tm, check;
	size_t len = strlen(s);
	int utc = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	s += 10;
	if (*s == ' ' || *s == 'T') {
		if (strlen(s) < 6 || s[3] != ':')
			return -1;
		tm.tm_hour = digits(s + 1, 2);
		tm.tm_min = digits(s + 4, 2);
		s += 6;
		if (*s == ':') {
			if (strlen(s) < 3)
				return -1;
			tm.tm_sec = digits(s + 1, 2);
			s += 3;
		}
	}
	if (*s == 'Z') {
		utc = 1;
		s++;
	}
	if (*s != '\0' || tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 1 ||
	    tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 ||
	    tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
		return -1;
	tm.tm_isdst = -1;
	check = tm;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	/* mktime normalises 31 April into 1 May: refuse such dates. */
	if (tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
		return -1;
	*time_r = t;
	return 0;
}

const char *
util_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		util_strlcpy(buf, "?", size);
	return buf;
}

bool
util_is_loopback(const char *host)
{
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0)
		return true;
	return inet_pton(AF_INET, host, &a4) == 1 &&
	       (ntohl(a4.s_addr) >> 24) == 127;
}

size_t
util_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp_r)
{
	uint32_t cp, min;
	size_t i, n;

	if (left == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return n;
}

bool
util_ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

char *
util_lowercase(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

bool
util_has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

char *
util_trim(char *s)
{
	char *start = s, *end;
	size_t n;

	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - start);
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

void
util_hex(const unsigned char *data, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[data[i] >> 4];
		out[2 * i + 1] = hex[data[i] & 0xf];
	}
	out[2 * len] = '\0';
}

char *
util_next_line(char **cursor)
{
	char *line = *cursor, *nl;
	size_t n;

	if (line == NULL || *line == '\0')
		return NULL;
	nl = strchr(line, '\n');
	if (nl != NULL)
		*nl++ = '\0';
	*cursor = nl;
	n = strlen(line);
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}

void
util_free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
util_name_index(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

int
util_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	if (util_strlcpy(tmp, path, sizeof(tmp)) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

char *
util_read_file(const char *path, size_t max, size_t *len_r,
	       const char **error_r)
{
	struct stat st;
	char *data;
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		*error_r = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		*error_r = strerror(errno);
		close(fd);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		*error_r = "file too large";
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (done < (size_t)st.st_size) {
		n = read(fd, data + done, (size_t)st.st_size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = n == 0 ? "file shrank while reading"
					  : strerror(errno);
			free(data);
			close(fd);
			return NULL;
		}
		done += (size_t)n;
	}
	close(fd);
	data[done] = '\0';
	*len_r = done;
	return data;
}

static time_t clock_offset;

time_t
util_clock(void)
{
	return time(NULL) + clock_offset;
}

int
util_clock_set(const char *spec)
{
	time_t t;

	if (util_parse_time(spec, &t) == -1)
		return -1;
	clock_offset = t - time(NULL);
	return 0;
}

char *
util_read_secret(const char *path, char **error_r)
{
	const char *err;
	struct stat st;
	char *data;
	size_t len;

	if (stat(path, &st) == -1) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		*error_r = xasprintf("%s: readable by group or others (mode "
				     "%03o): refusing to use it; run chmod "
				     "600 %s",
				     path, (unsigned)(st.st_mode & 0777), path);
		return NULL;
	}
	data = util_read_file(path, 64 * 1024, &len, &err);
	if (data == NULL) {
		*error_r = xasprintf("%s: %s", path, err);
		return NULL;
	}
	data[strcspn(data, "\r\n")] = '\0';
	if (data[0] == '\0') {
		*error_r = xasprintf("%s: empty", path);
		free(data);
		return NULL;
	}
	return data;
}
