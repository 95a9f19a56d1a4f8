"""How many people in line could take a place in a slot: the answer the booking core asks for (through
scheduling.line's hook, registered by WaitlistConfig.ready()) inside each transaction that gives
places back, so that those places are held for the line rather than free to everybody. Decision 0010.

One indexed read (waitlist_line_idx: office, procedure, state), bounded by `up_to`. It may count
someone the offer task will pass over (a CURP booked meanwhile, a procedure switched off): the place
is then held a moment too long and the task gives it back to everybody. It never counts too few:
that would free a place while someone who fits waits.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from miconsulado.catalog.localtime import office_date
from miconsulado.catalog.models import Office
from miconsulado.scheduling.models import ServiceWindow, Slot
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistEntry, WaitlistOffer

# Waiting at the office, for a procedure the slot's window serves (read from the table, not the
# process's snapshot: never stale), on dates that contain the slot's local date, and not someone who
# declined this very slot. Names from the models; values are parameters.
_WAITING_SQL = f"""
    SELECT COUNT(*) FROM (
        SELECT 1 FROM {WaitlistEntry._meta.db_table} e
        WHERE e.office_id = %s AND e.state = %s
          AND e.procedure_id IN (
              SELECT procedure_id FROM {ServiceWindow.procedures.through._meta.db_table}
              WHERE servicewindow_id = %s
          )
          AND (e.date_from IS NULL OR e.date_from <= %s)
          AND (e.date_to IS NULL OR e.date_to >= %s)
          AND NOT EXISTS (
              SELECT 1 FROM {WaitlistOffer._meta.db_table} o
              WHERE o.entry_id = e.id AND o.slot_id = %s AND o.state = %s
          )
        LIMIT %s
    ) AS line
"""  # noqa: S608


def people_waiting_for(*, slot: Slot, office: Office, up_to: int, now: dt.datetime) -> int:
    """How many people waiting could be offered a place in `slot`, counted up to `up_to`; 0 without
    a query for a slot that has started."""
    if slot.start <= now:
        return 0
    day = office_date(slot.start, office)
    with connection.cursor() as cursor:
        cursor.execute(
            _WAITING_SQL,
            [
                office.pk,
                EntryState.WAITING.value,
                slot.window_id,
                connection.ops.adapt_datefield_value(day),
                connection.ops.adapt_datefield_value(day),
                slot.pk,
                OfferState.DECLINED.value,
                up_to,
            ],
        )
        return int(cursor.fetchone()[0])
