"""Rules and alerts: "when this happens in this scope, do that", checked after every run."""
