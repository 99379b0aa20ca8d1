"""Settings per environment: ``base`` holds everything, the others adjust it.

``local`` (the default of ``manage.py``) is the embedded developer mode, ``test`` is used by
pytest, ``production`` is for real deployments and refuses to start when it is not safe.
All configuration comes from environment variables (see ``.env.example``).
"""
