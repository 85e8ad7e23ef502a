import json
import sys

def main()
    command = sys.argv[1]
    if command == "add":
        print("Task added successfully (ID: 1)")

main()
