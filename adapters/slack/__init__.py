"""Slack adapter (slack-bolt, slack-sdk): the only place that imports them.

- `settings`: SLACK_* environment -> `SlackSettings` (`load_slack_settings`, `SlackConfigError`)
- `render`: `render_digest`, `render_reply` -> `SlackMessage` within `limits`
- `manifest`: `build_manifest`, `manifest_json`, `manifest_yaml` (no slack-bolt needed)
- `publisher`: `SlackPublisher`, `build_web_client`, `RetryAfterHandler`
- `commands`: slash-command listeners, `register(app, topics, answer)`
- `app`: `build_slack_app`, `serve_http`, `events_handler`, `build_socket_mode_handler`
- `platform`: `slack_platform`, the factory `digestbot run` looks up by name
- `signature`: request signature check run before bolt

Import the submodules you need; `render`, `manifest`, `settings` and `limits` work without
slack-bolt installed.
"""
