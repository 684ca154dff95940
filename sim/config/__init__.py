"""Configuration: the pydantic schema (:mod:`.schema`), Hydra composition
(:mod:`.compose`) and error formatting (:mod:`.messages`)."""
