/* Field cleaning and the messages that name what is wrong. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/codes.h"
#include "zhishou/fields.h"
#include "zhishou/i18n.h"
#include "zhishou/text.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"

#define FNAME(f) TR((f).zh, (f).en)

/* Show at most a short, safe excerpt of a bad value in a message. */
static const char *excerpt(const char *in, char *buf, size_t n)
{
	char *s = text_sanitize(in, strlen(in), 0);
	if (!s) {
		snprintf(buf, n, "?");
		return buf;
	}
	text_fit_cols(s, 40, false, buf, n);
	free(s);
	return buf;
}

int field_text(const char *in, struct field_name f, size_t maxchars, bool multiline, bool required,
	       char **out, struct zs_error *err)
{
	*out = NULL;
	if (!in)
		in = "";
	size_t len = strlen(in);
	char *s = text_sanitize(in, len, multiline ? TEXT_KEEP_NEWLINES : 0);
	if (!s)
		return zs_fail(err, ZS_EFAIL, "out of memory");
	text_trim(s);
	if (required && !*s) {
		free(s);
		return zs_fail(err, ZS_EINPUT, TR("%s不能为空", "%s is required"), FNAME(f));
	}
	size_t chars = text_length(s);
	if (chars > maxchars) {
		free(s);
		return zs_fail(err, ZS_EINPUT, TR("%s太长：%zu 字，最多 %zu 字", "%s is too long: %zu characters, at most %zu"),
			       FNAME(f), chars, maxchars);
	}
	*out = s;
	return ZS_OK;
}

int field_phone(const char *in, struct field_name f, bool mobile_only, bool landline_only, char **out,
		struct zs_error *err)
{
	char buf[64], ex[128];
	*out = NULL;
	if (!in || !*in) {
		*out = strdup("");
		return *out ? ZS_OK : ZS_EFAIL;
	}
	bool ok = phone_normalize(in, buf, sizeof buf);
	if (ok && !*buf) {
		*out = strdup("");
		return *out ? ZS_OK : ZS_EFAIL;
	}
	if (ok) {
		if (mobile_only)
			ok = phone_is_mobile(buf);
		else if (landline_only)
			ok = phone_is_landline(buf);
		else
			ok = phone_is_valid(buf);
	}
	if (!ok) {
		if (mobile_only)
			return zs_fail(err, ZS_EINPUT, TR("%s「%s」不对：手机号应为 1 开头的 11 位数字（第二位 3-9）",
							  "%s \"%s\" is wrong: a mobile is 11 digits starting 13-19"),
				       FNAME(f), excerpt(in, ex, sizeof ex));
		if (landline_only)
			return zs_fail(err, ZS_EINPUT, TR("%s「%s」不对：固定电话应为区号加 7-8 位号码，如 022-87654321（可带分机）",
							  "%s \"%s\" is wrong: a landline is an area code and 7-8 digits, e.g. 022-87654321"),
				       FNAME(f), excerpt(in, ex, sizeof ex));
		return zs_fail(err, ZS_EINPUT, TR("%s「%s」不对：应为 11 位手机号或区号加 7-8 位的固定电话",
						  "%s \"%s\" is wrong: expected an 11-digit mobile or a landline with area code"),
			       FNAME(f), excerpt(in, ex, sizeof ex));
	}
	*out = strdup(buf);
	return *out ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
}

int field_uscc(const char *in, char **out, struct zs_error *err)
{
	char buf[64], ex[128];
	*out = NULL;
	if (!in)
		in = "";
	uscc_normalize(in, buf, sizeof buf);
	if (*buf && !uscc_is_valid(buf)) {
		if (strlen(buf) == 18 && uscc_check_char(buf))
			return zs_fail(err, ZS_EINPUT, TR("统一社会信用代码「%s」校验位不对（应为 %c）",
							  "USCC \"%s\" has a wrong check character (expected %c)"),
				       excerpt(in, ex, sizeof ex), uscc_check_char(buf));
		return zs_fail(err, ZS_EINPUT, TR("统一社会信用代码「%s」不对：应为 18 位数字或大写字母（不含 I、O、S、V、Z）",
						  "USCC \"%s\" is wrong: 18 digits or capitals (no I, O, S, V, Z)"),
			       excerpt(in, ex, sizeof ex));
	}
	*out = strdup(buf);
	return *out ? ZS_OK : zs_fail(err, ZS_EFAIL, "out of memory");
}

int field_id(const char *in, struct field_name f, int64_t *out, struct zs_error *err)
{
	char ex[128];
	if (!in || !*in)
		return zs_fail(err, ZS_EINPUT, TR("缺少%s", "missing %s"), FNAME(f));
	const char *p = in[0] == '#' ? in + 1 : in;
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	if (errno || end == p || *end || v <= 0)
		return zs_fail(err, ZS_EINPUT, TR("%s「%s」不是有效的编号", "%s \"%s\" is not a valid id"), FNAME(f),
			       excerpt(in, ex, sizeof ex));
	*out = v;
	return ZS_OK;
}

int field_count(const char *in, struct field_name f, int64_t max, int64_t *out, struct zs_error *err)
{
	char ex[128];
	char *end;
	errno = 0;
	long long v = in ? strtoll(in, &end, 10) : -1;
	if (!in || errno || end == in || *end || v < 0 || v > max)
		return zs_fail(err, ZS_EINPUT, TR("%s「%s」不对：应为 0 到 %lld 的整数",
						  "%s \"%s\" is wrong: a whole number from 0 to %lld"),
			       FNAME(f), excerpt(in ? in : "", ex, sizeof ex), (long long)max);
	*out = v;
	return ZS_OK;
}

int field_code(const char *in, const struct vocab *v, const char **out, struct zs_error *err)
{
	char ex[128];
	char *clean = text_sanitize(in ? in : "", in ? strlen(in) : 0, 0);
	if (clean)
		text_trim(clean);
	*out = clean ? vocab_code(v, clean) : NULL;
	free(clean);
	if (!*out)
		return zs_fail(err, ZS_EINPUT, TR("未知的%s「%s」；可选：%s", "unknown %s \"%s\"; choose one of: %s"),
			       TR(v->field_zh, v->field_en), excerpt(in ? in : "", ex, sizeof ex), vocab_choices(v));
	return ZS_OK;
}

int field_time(const char *in, struct field_name f, int64_t now, int64_t *out, struct zs_error *err)
{
	char why[256];
	if (!time_parse(in ? in : "", now, out, why, sizeof why))
		return zs_fail(err, ZS_EINPUT, TR("%s：%s", "%s: %s"), FNAME(f), why);
	return ZS_OK;
}

int field_list(const char *in, struct field_name f, size_t maxchars, char **out, struct zs_error *err)
{
	char *s = NULL;
	int r = field_text(in, f, maxchars, false, false, &s, err);
	if (r)
		return r;
	/* Separators people use: ; ； 、 , ， and line breaks. */
	static const char *const seps[] = { "；", "、", "，", ",", NULL };
	for (int i = 0; seps[i]; i++) {
		size_t l = strlen(seps[i]);
		char *p;
		while ((p = strstr(s, seps[i]))) {
			*p = ';';
			memmove(p + 1, p + l, strlen(p + l) + 1);
		}
	}
	char *res = calloc(1, strlen(s) + 1);
	if (!res) {
		free(s);
		return zs_fail(err, ZS_EFAIL, "out of memory");
	}
	char *save = NULL;
	for (char *t = strtok_r(s, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		text_trim(t);
		if (!*t)
			continue;
		if (*res)
			strcat(res, ";");
		strcat(res, t);
	}
	free(s);
	*out = res;
	return ZS_OK;
}
