"""Background jobs on Dramatiq: broker, thin actors, the outbox hand-over and the scheduler."""
