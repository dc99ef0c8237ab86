"""Service networking as the real components compute it: pure functions over API-shaped dicts.

One concept per module, each following the upstream code it names:

- :mod:`.service_ips`: ClusterIP, NodePort and LoadBalancer address allocation (the API
  server's ``ipallocator`` and ``portallocator``, a MetalLB-like pool) (SVC-1, SVC-2).
- :mod:`.endpointslices`: the EndpointSlice controller's reconciliation and the legacy
  Endpoints object (SVC-3).
- :mod:`.kube_proxy`: kube-proxy's iptables rules per node, as data, as ``iptables-save``
  text, and walked by a packet (SVC-4).
- :mod:`.dns`: CoreDNS's answers, the pod's ``resolv.conf``, the resolver's search path and
  busybox ``nslookup`` output (DNS-1).
- :mod:`.ingress`: Ingress rule matching and the ingress-nginx controller's routing (ING-1..3).
- :mod:`.network_policy`: NetworkPolicy evaluation and connectivity matrices (NP-1).
- :mod:`.http_server`: what a pod's server answers to an HTTP request (image catalog).
- :mod:`.state`: the objects the data path reads, indexed, plus its runtime state.
- :mod:`.curl`: one request followed hop by hop, with curl's and wget's real texts.

Nothing here imports Jupyter or the kubernetes client; randomness comes from a seeded
``random.Random`` passed in, so the same inputs give the same history.

**Wiring into the simulator's controllers** (each a component reading informers and writing
through the API server, as in kube-controller-manager):

- Service create/delete in the API server's Service strategy: :class:`.service_ips.ServiceRegistry`
  ``allocate``/``release`` (its :class:`~.service_ips.ServiceAllocationError` is the API's reply);
- a load-balancer provider controller (Services informer, key ``ns/name``): ``load_balancer_status``
  written to ``status`` when the cluster has a provider;
- the EndpointSlice controller (Services, Pods, Nodes, EndpointSlices informers; a pod event
  queues every Service whose selector matched its old or new labels): ``reconcile`` and the
  returned :class:`~.endpointslices.Plan` through the API server (``generateName``); the
  Endpoints controller (Services, Pods): ``endpoints_object``;
- kube-proxy, one per node (Services, EndpointSlices, its Node): ``sync_proxy_rules`` after a
  ``minSyncPeriod`` on the clock; CoreDNS (Services, EndpointSlices, Namespaces); ingress-nginx
  (Ingresses, IngressClasses, Services, EndpointSlices, Secrets); the CNI's policy agent
  (NetworkPolicies, Pods, Namespaces): each rebuilds its view on events;
- ``cluster.curl``/``kubectl exec -- curl|wget|nslookup``: a :class:`.state.NetworkState` from
  the listers with the kubelet's running programs and container files, kept with one
  :class:`.state.Memory` per cluster; result ``logs`` go to the containers' logs and
  ``elapsed_ms`` to the clock.
"""
