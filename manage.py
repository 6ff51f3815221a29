#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A command typed on a checkout (createsuperuser while `make run` serves, a
    # backup) uses the embedded PostgreSQL when DATABASE_URL is unset: started
    # here, since settings start nothing. The image has no embedded server.
    from config.embedded_db import setdefault_database_url

    setdefault_database_url()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
