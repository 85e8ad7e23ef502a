"""Background worker: purges nothing yet, but must be running."""

import time

while True:
    time.sleep(1)
