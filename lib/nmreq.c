// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmreq.c - port-spec decoding into nmreq_header / nmreq_register, the
 * @option list, and option-list helpers.
 *
 * Every rejection names what is wrong and where; the test t_portspec checks
 * each message.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <libnetmap.h>

void nmreq_header_init(struct nmreq_header *h, uint16_t reqtype, void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = reqtype;
	h->nr_body = (uintptr_t)body;
}

/*
 * Characters allowed in port and pipe names: netmap's identifiers
 * (alphanumerics and '_') plus '.', which Linux VLAN devices use.
 */
static int nm_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* first character of s[0..len) that is not a name character, or NULL */
static const char *nm_bad_char(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!nm_name_char(s[i]))
			return s + i;
	return NULL;
}

int nmreq_header_decode(const char **pspec, struct nmreq_header *h,
			struct nmctx *ctx)
{
	const char *spec = *pspec, *name, *vp, *scan, *pipe = NULL, *bad;
	size_t len, plen = strlen(NM_BDG_NAME);

	if (spec == NULL || *spec == '\0') {
		nmctx_ferror(ctx, "empty port spec");
		goto fail;
	}
	/* name: what goes to the kernel; vp: the port name proper */
	if (!strncmp(spec, "netmap:", 7)) {
		name = vp = spec + 7;		/* the prefix is not sent */
	} else if (!strncmp(spec, NM_BDG_NAME, plen)) {
		/* "valeSW:PORT": the whole name goes to the kernel */
		const char *colon = strchr(spec, ':');

		if (colon == NULL) {
			nmctx_ferror(ctx, "%s: missing ':' after the switch name",
				     spec);
			goto fail;
		}
		bad = nm_bad_char(spec + plen, (size_t)(colon - spec) - plen);
		if (bad) {
			nmctx_ferror(ctx, "%s: invalid character '%c' in switch name",
				     spec, *bad);
			goto fail;
		}
		name = spec;
		vp = colon + 1;
	} else {
		/* "eth0" means "netmap:eth0"; any other "xxx:" is a typo */
		for (scan = spec; nm_name_char(*scan); scan++)
			;
		if (*scan == ':') {
			nmctx_ferror(ctx, "%s: unknown prefix '%.*s:' (expected 'netmap:' or '"
				     NM_BDG_NAME "')", spec, (int)(scan - spec),
				     spec);
			goto fail;
		}
		name = vp = spec;
	}
	/* the port name runs to the first mode character */
	for (scan = vp; *scan && !strchr("-*^/@", *scan); scan++)
		if (!pipe && (*scan == '{' || *scan == '}'))
			pipe = scan;
	if ((pipe ? pipe : scan) == vp) {
		nmctx_ferror(ctx, "%s: empty port name", spec);
		goto fail;
	}
	bad = nm_bad_char(vp, (size_t)((pipe ? pipe : scan) - vp));
	if (bad) {
		nmctx_ferror(ctx, "%s: invalid character '%c' in port name",
			     spec, *bad);
		goto fail;
	}
	if (pipe) {
		if (pipe + 1 == scan) {
			nmctx_ferror(ctx, "%s: empty pipe name after '%c'", spec,
				     *pipe);
			goto fail;
		}
		bad = nm_bad_char(pipe + 1, (size_t)(scan - pipe - 1));
		if (bad) {
			nmctx_ferror(ctx, "%s: invalid character '%c' in pipe name",
				     spec, *bad);
			goto fail;
		}
	}
	len = (size_t)(scan - name);
	if (len >= sizeof(h->nr_name)) {
		nmctx_ferror(ctx, "%s: port name too long (%zu characters, at most %zu)",
			     spec, len, sizeof(h->nr_name) - 1);
		goto fail;
	}
	memset(h->nr_name, 0, sizeof(h->nr_name));
	memcpy(h->nr_name, name, len);
	*pspec = scan;
	return 0;
fail:
	errno = EINVAL;
	return -1;
}

/* as nmreq_register_decode(); messages name the whole spec */
int nmreq_register_decode_spec(const char *spec, const char **pmode,
			       struct nmreq_register *reg, struct nmctx *ctx)
{
	const char *scan = *pmode;
	char err[NM_MODE_ERRLEN];
	struct nm_mode_spec m;

	if (nm_mode_decode(&scan, &m, err) < 0) {
		nmctx_ferror(ctx, "%s: %s", spec, err);
		errno = EINVAL;
		return -1;
	}
	if (m.mem_id && reg->nr_mem_id && reg->nr_mem_id != m.mem_id) {
		nmctx_ferror(ctx, "%s: memory region %u conflicts with %u",
			     spec, m.mem_id, reg->nr_mem_id);
		errno = EINVAL;
		return -1;
	}
	reg->nr_mode = m.mode;
	reg->nr_ringid = m.ringid;
	reg->nr_flags = m.flags;
	if (m.mem_id)
		reg->nr_mem_id = m.mem_id;
	*pmode = scan;
	return 0;
}

int nmreq_register_decode(const char **pmode, struct nmreq_register *reg,
			  struct nmctx *ctx)
{
	return nmreq_register_decode_spec(*pmode, pmode, reg, ctx);
}

/*
 * Parse "key=value,key=value" (body is a private copy, split in place) into
 * pctx->keys[] by key id.  '-' in key names reads as '_' ("tx-rings").
 */
static int nmreq_option_keys(const char *prefix, char *body,
			     struct nmreq_opt_parser *p,
			     struct nmreq_parse_ctx *pctx)
{
	char *scan = body;
	int i;

	while (*scan) {
		char *key = scan, *value = NULL, *k;
		int id = -1;

		for (; *scan && *scan != '=' && *scan != ','; scan++)
			;
		if (*scan == '=') {
			*scan++ = '\0';
			value = scan;
			for (; *scan && *scan != ','; scan++)
				;
		}
		if (*scan == ',')
			*scan++ = '\0';
		for (k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (*key == '\0') {
			nmctx_ferror(pctx->ctx, "option '%s': empty key", prefix);
			goto fail;
		}
		for (i = 0; i < p->nr_keys; i++)
			if (!strcmp(p->keys[i].key, key))
				id = p->keys[i].id;
		if (id < 0) {
			nmctx_ferror(pctx->ctx, "option '%s': unknown key '%s'",
				     prefix, key);
			goto fail;
		}
		if (pctx->keys[id]) {
			nmctx_ferror(pctx->ctx, "option '%s': key '%s' given twice",
				     prefix, key);
			goto fail;
		}
		if (value == NULL || *value == '\0') {
			if (!(p->keys[id].flags & NMREQ_OPTK_ALLOWEMPTY)) {
				nmctx_ferror(pctx->ctx, "option '%s': key '%s' needs '=value'",
					     prefix, key);
				goto fail;
			}
			value = key;
		}
		pctx->keys[id] = value;
	}
	for (i = 0; i < p->nr_keys; i++) {
		if ((p->keys[i].flags & NMREQ_OPTK_MUSTSET) &&
		    !pctx->keys[p->keys[i].id]) {
			nmctx_ferror(pctx->ctx, "option '%s': key '%s' is mandatory",
				     prefix, p->keys[i].key);
			goto fail;
		}
	}
	return 0;
fail:
	errno = EINVAL;
	return -1;
}

/* one option, "name", "name=value" or "name:k=v,...", in a private copy */
static int nmreq_option_one(char *opt, struct nmreq_opt_parser *parsers,
			    void *token, struct nmctx *ctx)
{
	struct nmreq_parse_ctx pctx;
	struct nmreq_opt_parser *p;
	char *scan = opt, delim;

	for (; *scan && *scan != ':' && *scan != '='; scan++)
		;
	delim = *scan;
	*scan = '\0';
	if (delim)
		scan++;
	for (p = parsers; p; p = p->next)
		if (!strcmp(p->prefix, opt))
			break;
	if (p == NULL) {
		nmctx_ferror(ctx, "unknown option '@%s'", opt);
		errno = EINVAL;
		return -1;
	}
	if (p->flags & NMREQ_OPTF_DISABLED) {
		nmctx_ferror(ctx, "option '@%s' is disabled", opt);
		errno = EOPNOTSUPP;
		return -1;
	}
	memset(&pctx, 0, sizeof(pctx));
	pctx.ctx = ctx;
	pctx.token = token;
	switch (delim) {
	case '\0':
		if (!(p->flags & NMREQ_OPTF_ALLOWEMPTY)) {
			nmctx_ferror(ctx, "option '@%s' needs a value ('@%s:key=value')",
				     opt, opt);
			errno = EINVAL;
			return -1;
		}
		break;
	case '=':
		if (p->default_key < 0) {
			nmctx_ferror(ctx, "option '@%s' has no default key: use '@%s:key=value'",
				     opt, opt);
			errno = EINVAL;
			return -1;
		}
		if (*scan == '\0') {
			nmctx_ferror(ctx, "option '@%s': empty value after '='", opt);
			errno = EINVAL;
			return -1;
		}
		pctx.keys[p->default_key] = scan;
		break;
	default:
		if (*scan == '\0') {
			nmctx_ferror(ctx, "option '@%s': empty key list after ':'", opt);
			errno = EINVAL;
			return -1;
		}
		if (nmreq_option_keys(opt, scan, p, &pctx) < 0)
			return -1;
	}
	return p->parse(&pctx);
}

int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx)
{
	const char *scan = opt;

	if (*scan == '\0')
		return 0;
	if (*scan != '@') {
		nmctx_ferror(ctx, "unexpected '%s' (options start with '@')", scan);
		errno = EINVAL;
		return -1;
	}
	while (*scan == '@') {
		const char *start = ++scan;
		size_t len;
		char *w;
		int ret;

		for (; *scan && *scan != '@'; scan++)
			;
		len = (size_t)(scan - start);
		if (len == 0) {
			nmctx_ferror(ctx, "empty option after '@'");
			errno = EINVAL;
			return -1;
		}
		w = nmctx_malloc(ctx, len + 1);
		if (w == NULL) {
			nmctx_ferror(ctx, "out of memory parsing options");
			errno = ENOMEM;
			return -1;
		}
		memcpy(w, start, len);
		w[len] = '\0';
		ret = nmreq_option_one(w, parsers, token, ctx);
		nmctx_free(ctx, w);
		if (ret < 0)
			return -1;
	}
	return 0;
}

int32_t nmreq_get_mem_id(const char **pname, struct nmctx *ctx)
{
	struct nmreq_port_info_get info;
	struct nmreq_header h;
	const char *scan = *pname;
	int fd, err;

	nmreq_header_init(&h, NETMAP_REQ_PORT_INFO_GET, &info);
	memset(&info, 0, sizeof(info));
	if (nmreq_header_decode(&scan, &h, ctx) < 0)
		return -1;
	fd = open(NETMAP_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		nmctx_ferror(ctx, "cannot open " NETMAP_DEVICE_NAME ": %s",
			     strerror(err));
		errno = err;
		return -1;
	}
	if (ioctl(fd, NIOCCTRL, &h) < 0) {
		err = errno;
		nmctx_ferror(ctx, "%s: cannot get port info: %s", h.nr_name,
			     strerror(err));
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	*pname = scan;
	return info.nr_mem_id;
}

void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o)
{
	o->nro_next = h->nr_options;
	h->nr_options = (uintptr_t)o;
}

void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o)
{
	uint64_t *link = &h->nr_options;

	while (*link) {
		struct nmreq_option *cur =
			(struct nmreq_option *)(uintptr_t)*link;

		if (cur == o) {
			*link = o->nro_next;
			o->nro_next = 0;
			return;
		}
		link = &cur->nro_next;
	}
}

struct nmreq_option *nmreq_find_option(struct nmreq_header *h, uint32_t t)
{
	struct nmreq_option *o;

	nmreq_foreach_option(h, o)
		if (o->nro_reqtype == t)
			return o;
	return NULL;
}

/* options allocated with malloc() by the caller */
void nmreq_free_options(struct nmreq_header *h)
{
	struct nmreq_option *o =
		(struct nmreq_option *)(uintptr_t)h->nr_options;

	while (o) {
		struct nmreq_option *next =
			(struct nmreq_option *)(uintptr_t)o->nro_next;

		free(o);
		o = next;
	}
	h->nr_options = 0;
}

const char *nmreq_option_name(uint32_t t)
{
	switch (t) {
	case NETMAP_REQ_OPT_EXTMEM:		return "extmem";
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS: return "sync-kloop-eventfds";
	case NETMAP_REQ_OPT_CSB:		return "csb";
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:	return "sync-kloop-mode";
	case NETMAP_REQ_OPT_OFFSETS:		return "offsets";
	default:				return "unknown";
	}
}
