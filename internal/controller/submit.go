package controller

import "net/http"

func (c *Controller) submitRoutes(h routeFunc) {}

var _ http.Handler = nil
