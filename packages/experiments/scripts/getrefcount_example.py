"""The article's sys.getrefcount example, run as it is written (the `getrefcount` experiment compares
what each real CPython prints with gclab's models). Prints the three counts on one line."""
import sys

out = []
a = []
out.append(sys.getrefcount(a))


def bar(a):
    out.append(sys.getrefcount(a))


bar(a)
out.append(sys.getrefcount(a))
print(*out)
