/* The language of labels and messages for this process. */
#include <string.h>

#include "zhishou/i18n.h"

static enum lang current = LANG_ZH;

void i18n_set(enum lang l) { current = l; }
enum lang i18n_get(void) { return current; }

bool i18n_parse(const char *s, enum lang *out)
{
	if (!strcmp(s, "zh") || !strcmp(s, "zh_CN") || !strcmp(s, "中文")) {
		*out = LANG_ZH;
		return true;
	}
	if (!strcmp(s, "en") || !strcmp(s, "en_US") || !strcmp(s, "English")) {
		*out = LANG_EN;
		return true;
	}
	return false;
}
