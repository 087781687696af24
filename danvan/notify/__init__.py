"""
Deadline reminders and escalations (issue 5).

Policy     ReminderStage rows per subject (petition, task, coordinating unit), seeded by
           seeds/notify.py and edited in the admin: offset in working days (-3, -1, 0, +1),
           who is told (responsible people, leaders of the unit above, both), optional repeat
           every N days.
Providers  petitions.reminders.PetitionDeadlines, tasks.reminders.TaskDeadlines and
           tasks.reminders.CoordinationDeadlines (or the list in
           settings.DANVAN_REMINDER_PROVIDERS): open items whose current deadline
           lies in given date ranges, with their recipients, a few queries per 2,000 items.
Sweep      jobs.sweep_reminders (beat, every 15 minutes; `manage.py remind [--dry-run]
           [--today=dd/mm/yyyy]` by hand): policy.windows() turns the stages into deadline
           ranges for today via the working-day calendar; services.sweep() records Reminder
           rows (unique per item, stage, occurrence, recipient, deadline; INSERT … ON CONFLICT
           DO NOTHING) and enqueues jobs.deliver_reminders with 500 ids each through the job
           outbox (danvan.core.jobs.enqueue: kept in PostgreSQL while the broker is away). It
           also re-enqueues reminders left pending for REMINDER_STALE_MINUTES (10: a job lost
           inside the broker) and deliveries whose quiet hours are over.
Delivery   jobs.deliver_reminders (late ack, retried with exponential backoff capped below
           the visibility timeout; a killed worker's job goes to the next worker within
           BROKER_VISIBILITY_TIMEOUT, 240 s, plus a ~20 s restore scan): drops
           reminders whose item closed or whose deadline moved (OBSOLETE), creates one
           Delivery per channel the person wants (unique per reminder and channel), then sends
           each unsent one under a row lock (SKIP LOCKED on PostgreSQL) and sets sent_at in
           the same transaction: e-mail (templates/notify/, Vietnamese, text + HTML, link to
           SITE_URL + the item's page), in-app Notification (API /api/v1/notifications/: the
           page's path, made absolute on the request's host, and the target record), push
           OutboxMessage (gateway API /api/v1/push-outbox/ with notify.consume_outbox, or
           jobs.push_outbox_flush POSTing to PUSH_WEBHOOK_URL with per-row backoff).
Digest     jobs.send_digests (beat, 07:00 Asia/Ho_Chi_Minh): one e-mail per person who chose
           the daily digest (their single e-mails and pushes are not sent), once per day.
"""
