/* evidence.c - evidence files: type from content, random names, temp file
 * and rename (see evidence.h). */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The magic numbers: PDF 1.0-2.0 start "%PDF-" (ISO 32000-2 7.5.2); JPEG
 * files start with SOI FF D8 and the next marker's FF (JFIF, Exif and raw
 * alike); PNG's signature is fixed (ISO/IEC 15948 5.2). */
static const unsigned char PDF_MAGIC[] = { '%', 'P', 'D', 'F', '-' };
static const unsigned char JPEG_MAGIC[] = { 0xFF, 0xD8, 0xFF };
static const unsigned char PNG_MAGIC[] = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

const char *evidence_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!p)
		return NULL;
	if (len >= sizeof PDF_MAGIC && !memcmp(p, PDF_MAGIC, sizeof PDF_MAGIC))
		return "application/pdf";
	if (len >= sizeof JPEG_MAGIC && !memcmp(p, JPEG_MAGIC, sizeof JPEG_MAGIC))
		return "image/jpeg";
	if (len >= sizeof PNG_MAGIC && !memcmp(p, PNG_MAGIC, sizeof PNG_MAGIC))
		return "image/png";
	return NULL;
}

const char *evidence_extension(const char *mime)
{
	if (!mime)
		return "bin";
	if (!strcmp(mime, "application/pdf"))
		return "pdf";
	if (!strcmp(mime, "image/jpeg"))
		return "jpg";
	if (!strcmp(mime, "image/png"))
		return "png";
	return "bin";
}

int evidence_check(const void *data, size_t len, const char **mime, struct err *err)
{
	const char *m;

	if (!data || len == 0) {
		err_field(err, ERR_INVALID, "file_empty", "the file is empty");
		return -1;
	}
	if (len > EVIDENCE_MAX_BYTES) {
		err_field(err, ERR_INVALID, "file_size", "the file is larger than 10 MB (%zu bytes)", len);
		return -1;
	}
	if (!(m = evidence_sniff(data, len))) {
		err_field(err, ERR_INVALID, "file_type", "the file is not a PDF, JPG or PNG");
		return -1;
	}
	*mime = m;
	return 0;
}

bool evidence_name_valid(const char *name)
{
	if (!name || strlen(name) != EVIDENCE_NAME_LEN)
		return false;
	return strspn(name, "0123456789abcdef") == EVIDENCE_NAME_LEN;
}

static int make_dir(const char *dir, struct err *err)
{
	struct stat sb;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	err_set(err, ERR_IO, "cannot make the files directory '%s': %s", dir, strerror(errno));
	return -1;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int evidence_write(const char *dir, const void *data, size_t len, char *name, char *sha256,
		   struct err *err)
{
	unsigned char raw[EVIDENCE_NAME_LEN / 2], hash[crypto_hash_sha256_BYTES];
	char tmp[PATH_MAX], final[PATH_MAX];
	int fd = -1;

	if (!dir || !*dir) {
		err_set(err, ERR_IO, "no files directory is configured");
		return -1;
	}
	if (make_dir(dir, err) < 0)
		return -1;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(name, EVIDENCE_NAME_LEN + 1, raw, sizeof raw);
	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(sha256, EVIDENCE_SHA256_LEN + 1, hash, sizeof hash);
	if (snprintf(tmp, sizeof tmp, "%s/.tmp-%s", dir, name) >= (int)sizeof tmp ||
	    snprintf(final, sizeof final, "%s/%s", dir, name) >= (int)sizeof final) {
		err_set(err, ERR_IO, "the files directory's path is too long");
		return -1;
	}
	/* O_EXCL: a name is never reused, even by a 2^-128 chance */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) < 0)
		goto fail;
	return 0;
fail:
	err_set(err, ERR_IO, "cannot store the file in '%s': %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	name[0] = '\0';
	return -1;
}

int evidence_remove(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (!dir || !evidence_name_valid(name))
		return -1;
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int evidence_read(const char *dir, const char *name, struct arena *a, const unsigned char **data,
		  size_t *len, struct err *err)
{
	char path[PATH_MAX];
	struct stat sb;
	unsigned char *buf;
	size_t got = 0;
	int fd;

	if (!dir || !evidence_name_valid(name)) {
		err_set(err, ERR_INVALID, "not a stored file name");
		return -1;
	}
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
		err_set(err, ERR_IO, "the files directory's path is too long");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "cannot open the stored file: %s",
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > EVIDENCE_MAX_BYTES) {
		close(fd);
		err_set(err, ERR_IO, "the stored file is not a regular file of at most 10 MB");
		return -1;
	}
	if (!(buf = arena_alloc(a, (size_t)sb.st_size + 1))) {
		close(fd);
		err_set(err, ERR_INTERNAL, "out of memory");
		return -1;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)sb.st_size) {
		err_set(err, ERR_IO, "cannot read the stored file");
		return -1;
	}
	*data = buf;
	*len = got;
	return 0;
}
