def test_smoke(demo, spanish, english):
    import time
    for c in (spanish, english):
        for url in ["/", "/?q=montreal", "/oficinas/phoenix/", "/oficinas/phoenix/passport-minor/", "/oficinas/phoenix/matricula/fecha/"]:
            t=time.perf_counter(); r = c.get(url); print(url, r.status_code, round((time.perf_counter()-t)*1000,1), "ms", len(r.content))
            assert r.status_code == 200, r.content[:2000]
    r = spanish.get("/oficinas/phoenix/matricula/fecha/")
    open("/tmp/cal.html","wb").write(r.content)
    open("/tmp/offices.html","wb").write(spanish.get("/").content)
    open("/tmp/proc.html","wb").write(english.get("/oficinas/phoenix/passport-minor/").content)
