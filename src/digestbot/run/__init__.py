"""The process, lifetimes only: the runtime, the platform registry by name, scheduling, feed
polling, the HTTP server, metrics and logs."""
