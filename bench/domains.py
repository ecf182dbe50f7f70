"""The municipalities' first domains in rules/gemeenten.tsv, in file
order, for the mail generators."""
import os


def domains(top, current_only=False):
    """Each municipality's first domain (current_only: only those whose
    status is current), read from top/rules/gemeenten.tsv."""
    found = []
    path = os.path.join(top, "rules/gemeenten.tsv")
    with open(path, encoding="utf-8") as f:
        header = True
        for line in f:
            if line.startswith("#"):
                continue
            if header:
                header = False
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 3 and cols[3] and (
                    not current_only or
                    (len(cols) > 4 and cols[4] == "current")):
                found.append(cols[3].split(",")[0].strip())
    return found
