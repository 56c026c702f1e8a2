/* Freeing and copying the records of include/zhishou/model.h. */
#include <stdlib.h>
#include <string.h>

#include "zhishou/exposure.h"
#include "zhishou/model.h"

#define FREE(p) do { free(p); (p) = NULL; } while (0)

void unit_clear(struct unit *u) { FREE(u->name); FREE(u->kind); }
void gala_clear(struct gala *g) { FREE(g->name); }

void roster_entry_clear(struct roster_entry *r)
{
	FREE(r->duty_date); FREE(r->unit); FREE(r->name); FREE(r->title);
	FREE(r->landline); FREE(r->mobile);
}

void intake_clear(struct intake *i)
{
	FREE(i->channel); FREE(i->kind); FREE(i->caller); FREE(i->phone); FREE(i->subject);
	FREE(i->uscc); FREE(i->category); FREE(i->summary); FREE(i->ref); FREE(i->handling);
	FREE(i->status); FREE(i->notes); FREE(i->created_by); FREE(i->exposure_title);
	FREE(i->transfer_unit); FREE(i->outcome); FREE(i->odr_uscc); FREE(i->odr_name);
	FREE(i->platform_no); FREE(i->platform_by);
}

void exposure_clear(struct exposure *e)
{
	FREE(e->title); FREE(e->industry); FREE(e->companies); FREE(e->keywords); FREE(e->local);
	FREE(e->assist_units); FREE(e->lead_unit); FREE(e->status); FREE(e->created_by);
	FREE(e->local_by);
}

void exposure_party_clear(struct exposure_party *p)
{
	FREE(p->uscc); FREE(p->name); FREE(p->unit); FREE(p->address); FREE(p->term); FREE(p->confirmed_by);
}

void exposure_action_clear(struct exposure_action *a) { FREE(a->kind); FREE(a->note); FREE(a->by_user); }
void exposure_instruction_clear(struct exposure_instruction *a) { FREE(a->text); FREE(a->by_user); }

void audit_row_clear(struct audit_row *a)
{
	FREE(a->unix_user); FREE(a->entity); FREE(a->action); FREE(a->fields);
	FREE(a->before); FREE(a->after); FREE(a->prev_hash); FREE(a->hash);
}

void outbox_event_clear(struct outbox_event *e)
{
	FREE(e->event); FREE(e->payload);
}

void delivery_clear(struct delivery *d)
{
	FREE(d->robot); FREE(d->state); FREE(d->last_error);
	outbox_event_clear(&d->ev);
}

void quarantine_row_clear(struct quarantine_row *q)
{
	FREE(q->feed); FREE(q->order_no); FREE(q->reason); FREE(q->raw);
}

void handover_clear(struct handover *h)
{
	FREE(h->signed_by); FREE(h->names); FREE(h->note); FREE(h->snapshot);
	FREE(h->accepted_by); FREE(h->accept_names); FREE(h->dispute);
}

void member_clear(struct member *m)
{
	FREE(m->unix_user); FREE(m->name); FREE(m->role); FREE(m->unit); FREE(m->added_by);
}

static bool dup(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

bool intake_copy(struct intake *d, const struct intake *s)
{
	*d = *s;
	bool ok = dup(&d->channel, s->channel) & dup(&d->kind, s->kind) & dup(&d->caller, s->caller) &
		  dup(&d->phone, s->phone) & dup(&d->subject, s->subject) & dup(&d->uscc, s->uscc) &
		  dup(&d->category, s->category) & dup(&d->summary, s->summary) & dup(&d->ref, s->ref) &
		  dup(&d->handling, s->handling) & dup(&d->status, s->status) & dup(&d->notes, s->notes) &
		  dup(&d->created_by, s->created_by) & dup(&d->exposure_title, s->exposure_title) &
		  dup(&d->transfer_unit, s->transfer_unit) & dup(&d->outcome, s->outcome) &
		  dup(&d->odr_uscc, s->odr_uscc) & dup(&d->odr_name, s->odr_name) &
		  dup(&d->platform_no, s->platform_no) & dup(&d->platform_by, s->platform_by);
	if (!ok)
		intake_clear(d);
	return ok;
}

bool exposure_copy(struct exposure *d, const struct exposure *s)
{
	*d = *s;
	bool ok = dup(&d->title, s->title) & dup(&d->industry, s->industry) &
		  dup(&d->companies, s->companies) & dup(&d->keywords, s->keywords) &
		  dup(&d->local, s->local) & dup(&d->assist_units, s->assist_units) &
		  dup(&d->lead_unit, s->lead_unit) & dup(&d->status, s->status) &
		  dup(&d->created_by, s->created_by) & dup(&d->local_by, s->local_by);
	if (!ok)
		exposure_clear(d);
	return ok;
}
