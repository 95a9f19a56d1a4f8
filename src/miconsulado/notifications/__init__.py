"""Notifications: what citizens are told, on the channel they gave and in their language
(confirmations with the PDF receipt and the calendar file, reminders, changes, waitlist offers,
verification codes), through an outbox of message rows that loses nothing and sends nothing twice.
Booking does not import this app: it reacts to booking's events (core.events)."""
