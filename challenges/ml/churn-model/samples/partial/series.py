def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def moving_average(values, window):
    out = []
    for i in range(len(values) - window + 1):
        out.append(sum(values[i : i + window]) / window)
    return out
