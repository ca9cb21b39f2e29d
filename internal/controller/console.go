package controller

import "net/http"

func (c *Controller) consoleRoutes(mux *http.ServeMux, h routeFunc) {}

var _ http.Handler = nil
