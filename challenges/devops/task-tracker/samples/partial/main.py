import json
import sys
import os
from datetime import datetime

FILE = "tasks.json"


def load():
    if os.path.exists(FILE):
        with open(FILE) as f:
            return json.load(f)
    return []


def save(tasks):
    with open(FILE, "w") as f:
        json.dump(tasks, f)


cmd = sys.argv[1]
tasks = load()
now = str(datetime.now())

if cmd == "add":
    new_id = len(tasks) + 1
    tasks.append({"id": new_id, "description": sys.argv[2], "status": "todo", "createdAt": now, "updatedAt": now})
    save(tasks)
    print(f"Task added successfully (ID: {new_id})")
elif cmd == "update":
    for t in tasks:
        if t["id"] == int(sys.argv[2]):
            t["description"] = sys.argv[3]
            t["updatedAt"] = now
    save(tasks)
elif cmd == "delete":
    tasks = [t for t in tasks if t["id"] != int(sys.argv[2])]
    save(tasks)
elif cmd == "mark-done":
    for t in tasks:
        if t["id"] == int(sys.argv[2]):
            t["status"] = "done"
    save(tasks)
elif cmd == "list":
    for t in tasks:
        print(t["id"], t["status"], t["description"])
