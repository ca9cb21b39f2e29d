package controller

import "net/http"

func (c *Controller) admissionRoutes(mux *http.ServeMux, h routeFunc) {}

var _ http.Handler = nil
