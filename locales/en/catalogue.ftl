# catalogue texts
