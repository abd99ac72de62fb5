"""好差评: ratings of cases and online services, 差评 handling and appeals (docs/ratings.md)."""
