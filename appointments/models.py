"""预约: hall slots, bookings, check-in and no-shows (docs/appointments.md)."""
