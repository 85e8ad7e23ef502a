"""The large-input generator, run *as the candidate* in its folder (no judge I/O for 1M rows).

It writes four CSV files and one JSON-lines file under ``in/`` and prints, as one JSON line,
what a correct ETL must report. It is plain Python with a fixed seed, run with ``python3 -I``
so nothing in the candidate's folder is imported.
"""

GENERATOR = r"""
import json, random, sys
from datetime import datetime, timedelta, timezone

rows_total = int(sys.argv[1])
rng = random.Random(424242)
regions = ("EU", "NA", "APAC", "LATAM")
zones = [timezone(timedelta(minutes=m)) for m in (0, 60, 120, -300, 330, 540)]
base = datetime(2024, 1, 1, tzinfo=timezone.utc)
files = [open(f"in/big-{n}.csv", "w") for n in range(4)] + [open("in/big-4.jsonl", "w")]
names = ("order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at")
header = ",".join(names) + "\n"
for handle in files[:4]:
    handle.write(header)
orders = rows_total * 9 // 10
bad = rows_total // 100
updates = rows_total - orders - bad
live_orders = live_cents = 0
groups = set()

def stamp(moment):
    return moment.astimezone(rng.choice(zones)).isoformat()

def emit(slot, oid, region, cents, status, placed, updated):
    values = (oid, f"C-{cents % 997}", region, f"{cents / 100:.2f}", status,
              stamp(placed), stamp(updated))
    if slot == 4:
        files[4].write(json.dumps(dict(zip(names, values))) + "\n")
    else:
        files[slot].write(",".join(values) + "\n")

for number in range(orders):
    placed = base + timedelta(seconds=rng.randrange(91 * 86400))
    region = regions[number % 4]
    cents = rng.randrange(100, 100000)
    status = "placed"
    updated = placed + timedelta(seconds=30)
    emit(number % 5, f"O{number:07d}", region, cents, status, placed, updated)
    if number < updates:
        status = "cancelled" if number % 3 == 0 else "shipped"
        cents = cents if number % 2 else cents + 500
        later = updated + timedelta(hours=3)
        emit((number + 2) % 5, f"O{number:07d}", region, cents, status, placed, later)
    if status != "cancelled":
        live_orders += 1
        live_cents += cents
        groups.add((placed.date(), region))
for number in range(bad):
    oid = f"B{number:07d}"
    files[number % 4].write(f"{oid},C-1,EU,n/a,paid,2024-01-05T10:00:00Z,2024-01-05T10:00:00Z\n")
for handle in files:
    handle.close()
print(json.dumps({"rows": orders + updates + bad, "orders": orders, "live_orders": live_orders,
                  "revenue": live_cents / 100, "groups": len(groups), "quarantined": bad}))
"""
