/* The entity card: what the credit desk tells the leaders about one
 * market entity (entity show). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/board.h"
#include "zhishou/entity.h"
#include "zhishou/i18n.h"
#include "zhishou/privacy.h"
#include "zhishou/store.h"
#include "zhishou/store_entity.h"
#include "zhishou/timeutil.h"
#include "zhishou/validate.h"

void entity_card_clear(struct entity_card *card)
{
	entity_clear(&card->e);
	for (size_t i = 0; i < card->nleaders; i++)
		roster_entry_clear(&card->leaders[i]);
	for (size_t i = 0; i < card->nintakes; i++)
		intake_clear(&card->intakes[i]);
	free(card->intakes);
	register_snapshot_clear(&card->snapshot);
	memset(card, 0, sizeof *card);
}

struct build {
	struct zs_ctx *c;
	struct entity_card *card;
	int rc;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* The unit's duty leaders among the roster's entries. */
static int leader_cb(const struct roster_entry *r, void *ud)
{
	struct build *b = ud;
	struct entity_card *card = b->card;
	if (r->unit_id != card->e.unit_id || !r->is_leader || card->nleaders >= ENTITY_CARD_LEADERS)
		return 0;
	struct roster_entry *d = &card->leaders[card->nleaders];
	*d = *r;
	d->duty_date = dup_or_empty(r->duty_date);
	d->unit = dup_or_empty(r->unit);
	d->name = dup_or_empty(r->name);
	d->title = dup_or_empty(r->title);
	d->landline = dup_or_empty(r->landline);
	d->mobile = dup_or_empty(r->mobile);
	card->nleaders++;
	if (!d->duty_date || !d->unit || !d->name || !d->title || !d->landline || !d->mobile)
		return b->rc = ZS_EFAIL;
	return 0;
}

static int intake_cb(const struct intake *i, void *ud)
{
	struct build *b = ud;
	struct entity_card *card = b->card;
	card->intakes_ever++;
	card->intakes_tonight += i->received_at >= card->since;
	if (card->nintakes >= ENTITY_CARD_INTAKES)
		return 0;
	struct intake *d = &card->intakes[card->nintakes];
	if (!intake_copy(d, i))
		return b->rc = ZS_EFAIL;
	card->nintakes++;
	privacy_apply(b->c, d, PURPOSE_LIST);
	return 0;
}

static int read_card(struct build *b, struct zs_error *err)
{
	struct zs_ctx *c = b->c;
	struct entity_card *card = b->card;
	int r = ZS_OK;
	if (card->e.unit_id) {
		r = store_roster_each(c->st, NULL, c->now, leader_cb, b, err);
		card->leaders_on_shift = card->nleaders > 0;
		if (!r && !b->rc && !card->nleaders) {
			int y, m, d, hh, mm, ss;
			char today[16];
			time_to_local(c->now, &y, &m, &d, &hh, &mm, &ss);
			snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
			r = store_roster_each(c->st, today, 0, leader_cb, b, err);
		}
	}
	/* Newest first, every one counted, the first ENTITY_CARD_INTAKES kept. */
	struct intake_filter f = { .business_uscc = card->e.uscc, .business_name = card->e.name };
	if (!r && !b->rc)
		r = store_intake_each(c->st, &f, intake_cb, b, err);
	if (!r && !b->rc) {
		card->odr_handed = store_intake_odr_count(c->st, card->e.uscc);
		if (card->odr_handed < 0)
			r = zs_fail(err, ZS_EFAIL, "%s", TR("无法读取经ODR转交的投诉", "cannot read the complaints handed over through ODR"));
	}
	if (!r && !b->rc) {
		r = store_register_latest(c->st, &card->snapshot, err);
		if (r == ZS_ENOTFOUND)
			r = ZS_OK;
	}
	return r;
}

int entity_card_build(struct zs_ctx *c, const char *code, struct entity_card *card, struct zs_error *err)
{
	memset(card, 0, sizeof *card);
	char norm[64];
	uscc_normalize(code, norm, sizeof norm);
	if (!*norm)
		return zs_fail(err, ZS_EINPUT, TR("需要统一社会信用代码（或注册号）", "needs a USCC (or 注册号)"));
	struct board_gala g;
	if (board_gala(c, &g, err))
		return ZS_EFAIL;
	card->since = board_since(c, &g);
	int r = store_read_begin(c->st, err);
	if (r)
		return r;
	r = store_entity_get(c->st, norm, &card->e, err);
	if (r == ZS_ENOTFOUND)
		r = zs_fail(err, ZS_ENOTFOUND, TR("登记册里没有代码为 %s 的市场主体（zhishou entity search 按名称查）",
						  "no entity with code %s in the register (zhishou entity search finds by name)"),
			    norm);
	struct build b = { .c = c, .card = card };
	if (!r && !(card->intakes = calloc(ENTITY_CARD_INTAKES, sizeof *card->intakes)))
		r = zs_fail(err, ZS_EFAIL, "%s", TR("内存不足", "out of memory"));
	if (!r)
		r = read_card(&b, err);
	store_read_end(c->st);
	if (!r && b.rc)
		r = zs_fail(err, b.rc, "%s", TR("内存不足", "out of memory"));
	if (r)
		entity_card_clear(card);
	return r;
}

char *entity_card_json(const struct entity_card *card)
{
	const struct entity *e = &card->e;
	char iso[40], a[40], z[40];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
			      "uscc", e->uscc, "name", e->name, "former_names", e->former_names, "type", e->type,
			      "person", e->person, "address", e->address, "authority", e->authority, "unit", e->unit,
			      "unit_text", e->unit_text, "founded", e->founded, "state", e->state, "scope", e->scope,
			      "licences", e->licences, "odr", e->odr);
	if (!o)
		return NULL;
	json_t *leaders = json_array();
	for (size_t i = 0; i < card->nleaders; i++) {
		const struct roster_entry *r = &card->leaders[i];
		json_array_append_new(leaders, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", r->name, "title",
							 r->title, "mobile", r->mobile, "landline", r->landline,
							 "shift_start", time_format(r->shift_start, TIME_ISO, a, sizeof a),
							 "shift_end", time_format(r->shift_end, TIME_ISO, z, sizeof z)));
	}
	json_object_set_new(o, "leaders", leaders);
	json_object_set_new(o, "leaders_on_shift", json_boolean(card->leaders_on_shift));
	json_object_set_new(o, "intakes_tonight", json_integer(card->intakes_tonight));
	json_object_set_new(o, "intakes_ever", json_integer(card->intakes_ever));
	json_object_set_new(o, "odr_handed", json_integer(card->odr_handed));
	json_t *list = json_array();
	for (size_t i = 0; i < card->nintakes; i++) {
		const struct intake *in = &card->intakes[i];
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)in->id,
						      "received_at", time_format(in->received_at, TIME_ISO, iso, sizeof iso),
						      "status", in->status, "subject", in->subject, "summary", in->summary,
						      "caller", in->caller));
	}
	json_object_set_new(o, "intakes", list);
	json_object_set_new(o, "register_as_of", json_string(card->snapshot.as_of ? card->snapshot.as_of : ""));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
