"""Ticket assignment among team members (no Odoo import)."""


def round_robin(member_ids, last_user_id, count):
    """Next ``count`` assignees after ``last_user_id``, cycling over ``member_ids`` (in the given order)."""
    if not member_ids or count <= 0:
        return []
    members = list(member_ids)
    pos = members.index(last_user_id) + 1 if last_user_id in members else 0
    return [members[(pos + k) % len(members)] for k in range(count)]


def least_open(member_ids, open_counts, count):
    """Give each of ``count`` tickets to the member with the fewest open tickets at that moment.

    Ties go to the member listed first. ``open_counts`` maps user id to its open tickets; it is
    not modified.
    """
    if not member_ids or count <= 0:
        return []
    load = {uid: open_counts.get(uid, 0) for uid in member_ids}
    order = {uid: pos for pos, uid in enumerate(member_ids)}
    result = []
    for _k in range(count):
        uid = min(load, key=lambda u: (load[u], order[u]))
        result.append(uid)
        load[uid] += 1
    return result
