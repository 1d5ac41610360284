import os

from hypothesis import HealthCheck, settings

# pytester tests the snapshot plugin; lieflow.pytest_plugin is registered under its module name by
# the pytest11 entry point of an installed lieflow, and here for a checkout whose metadata predates
# it (registering the same name twice is a no-op).
pytest_plugins = ["pytester", "lieflow.pytest_plugin"]

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
