"""User-facing errors: one line that names the offending key and what is allowed."""


class ConfigError(ValueError):
    """Bad input (config value, scenario, event, path). ``str()`` is the one-line message.

    Picklable, so a failing job in a worker process (Hydra's joblib, Ray or submitit
    launchers) reports the same line; ``ConfigError(text)`` alone (as Ray rebuilds an
    exception from its message) is a message without a key.
    """

    def __init__(self, key: str, message: str | None = None):
        if message is None:
            key, message = "", key
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}" if key else message)

    def __reduce__(self):
        return type(self), (self.key, self.message)
