import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
application = get_wsgi_application()

# The ~250,000 objects loaded at start-up (Django, the URL map, dictionaries) never die: keep
# them out of the garbage collector's full passes, which otherwise add tens of milliseconds to
# whichever request triggers one.
gc.freeze()
