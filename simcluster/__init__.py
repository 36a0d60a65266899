"""A strict, simulated Kubernetes API server with Argo Rollouts and Istio controllers.

Plain Python (aiohttp + stdlib): it never imports Django, `rollouts` or the `kubernetes` client.
The dashboard sees it only through a kubeconfig.
"""

from __future__ import annotations
