"""All HTTP: the WordPress REST client (retries, batching, listings), authentication (JWT,
application passwords), the reading of WordPress's error answers, and ``doctor``."""
