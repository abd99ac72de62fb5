"""咨询、投诉、建议 (政民互动): questions and complaints routed to departments (docs/interaction.md)."""
