def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def moving_average(values, window):
    return [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
