/* The entity card: what the credit desk tells the leaders about one
 * market entity (entity show). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhishou/board.h"
#include "zhishou/codes.h"
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
	for (size_t i = 0; i < card->nexposures; i++) {
		free(card->exposures[i].title);
		free(card->exposures[i].status);
	}
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

static int exposure_cb(const struct entity_exposure *x, void *ud)
{
	struct build *b = ud;
	struct entity_card *card = b->card;
	if (card->nexposures >= ENTITY_CARD_EXPOSURES)
		return ZS_STOP;
	struct entity_exposure *d = &card->exposures[card->nexposures++];
	*d = *x;
	d->title = dup_or_empty(x->title);
	d->status = dup_or_empty(x->status);
	if (!d->title || !d->status)
		return b->rc = ZS_EFAIL;
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
	if (!r && !b->rc)
		r = store_entity_exposures(c->st, card->e.uscc, card->e.name, exposure_cb, b, err);
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
	static const char *const how[] = { "local", "candidate", "intake" };
	json_t *xs = json_array();
	for (size_t i = 0; i < card->nexposures; i++) {
		const struct entity_exposure *x = &card->exposures[i];
		json_array_append_new(xs, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)x->id, "title", x->title,
						    "status", x->status, "link", how[x->how]));
	}
	json_object_set_new(o, "exposures", xs);
	json_object_set_new(o, "register_as_of", json_string(card->snapshot.as_of ? card->snapshot.as_of : ""));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

void entity_card_lines(const struct entity_card *card, entity_card_line_cb cb, void *ud)
{
	const struct entity *e = &card->e;
	char buf[512], t[40], u[40];
	cb(TR("统一社会信用代码", "USCC"), e->uscc, ud);
	cb(TR("名称", "name"), e->name, ud);
	cb(TR("曾用名", "former names"), e->former_names, ud);
	cb(TR("类型", "type"), e->type, ud);
	cb(TR("法定代表人/负责人", "person"), e->person, ud);
	cb(TR("住所", "address"), e->address, ud);
	cb(TR("登记机关", "registration authority"), e->authority, ud);
	if (e->unit_id || !*e->unit_text) {
		cb(TR("管辖单位", "supervising unit"), e->unit, ud);
	} else {
		snprintf(buf, sizeof buf, TR("%s（不是已有单位）", "%s (not a known unit)"), e->unit_text);
		cb(TR("管辖单位", "supervising unit"), buf, ud);
	}
	cb(TR("成立日期", "founded"), e->founded, ud);
	cb(TR("登记状态", "state"), e->state, ud);
	cb(TR("经营范围", "business scope"), e->scope, ud);
	cb(TR("许可证号", "licences"), e->licences, ud);
	if (e->odr || card->odr_handed) {
		snprintf(buf, sizeof buf, TR("%s，经ODR转交投诉 %lld 件", "%s; %lld complaints handed to it through ODR"),
			 e->odr ? TR("是", "yes") : TR("否", "no"), (long long)card->odr_handed);
		cb(TR("ODR企业", "ODR enterprise"), buf, ud);
	} else {
		cb(TR("ODR企业", "ODR enterprise"), TR("否", "no"), ud);
	}
	if (!card->nleaders)
		cb(TR("今晚带班领导", "duty leader tonight"),
		   e->unit_id ? TR("值班表里没有这个单位今天的带班领导", "the roster has no duty leader of this unit today") : "",
		   ud);
	for (size_t i = 0; i < card->nleaders; i++) {
		const struct roster_entry *r = &card->leaders[i];
		snprintf(buf, sizeof buf, "%s %s %s %s %s-%s%s", r->name, r->title, r->mobile, r->landline,
			 time_format(r->shift_start, TIME_SHORT, t, sizeof t), time_format(r->shift_end, TIME_SHORT, u, sizeof u),
			 card->leaders_on_shift ? TR("（在岗）", " (on duty)") : "");
		cb(TR("今晚带班领导", "duty leader tonight"), buf, ud);
	}
	snprintf(buf, sizeof buf, TR("今晚 %lld 件，累计 %lld 件（按统一社会信用代码；未填代码的按名称）",
				     "%lld tonight, %lld in all (by USCC; by name where none was given)"),
		 (long long)card->intakes_tonight, (long long)card->intakes_ever);
	cb(TR("涉及的登记", "intakes naming it"), buf, ud);
	for (size_t k = 0; k < card->nintakes; k++) {
		const struct intake *i = &card->intakes[k];
		char line[1024];
		snprintf(line, sizeof line, "#%lld %s %s %s", (long long)i->id, time_format(i->received_at, TIME_SHORT, t, sizeof t),
			 vocab_label(&vocab_status, i->status), i->summary);
		cb(NULL, line, ud);
	}
	static const char *const how_zh[] = { "已确认本地涉及", "本地涉及候选", "经登记关联" },
				 *const how_en[] = { "confirmed local", "local candidate", "through an intake" };
	snprintf(buf, sizeof buf, TR("%zu 个", "%zu"), card->nexposures);
	cb(TR("关联的曝光问题", "linked exposures"), card->nexposures ? buf : "", ud);
	for (size_t k = 0; k < card->nexposures; k++) {
		const struct entity_exposure *x = &card->exposures[k];
		char line[1024];
		snprintf(line, sizeof line, "#%lld %s  %s（%s）", (long long)x->id, x->title,
			 vocab_label(&vocab_exposure_status, x->status), TR(how_zh[x->how], how_en[x->how]));
		cb(NULL, line, ud);
	}
	if (card->snapshot.as_of) {
		snprintf(buf, sizeof buf, TR("截至 %s（%s 导入）", "as of %s (imported by %s)"), card->snapshot.as_of,
			 card->snapshot.imported_by);
		cb(TR("登记册", "register"), buf, ud);
	}
}
