package controller

import (
	"net/http"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/admissionhook"
	"github.com/scanfleet/scanfleet/internal/controller/rematch"
	"github.com/scanfleet/scanfleet/internal/controller/web"
)

// The wire types are package api's; these names keep the handlers short.
type (
	Duration          = api.Duration
	Registry          = api.Registry
	RegistryInput     = api.RegistryInput
	RegistryView      = api.RegistryView
	RegisterRequest   = api.RegisterRequest
	RegisterResponse  = api.RegisterResponse
	LeaseRequest      = api.LeaseRequest
	LeasedTask        = api.LeasedTask
	LeaseResponse     = api.LeaseResponse
	TaskIDs           = api.TaskIDs
	HeartbeatResponse = api.HeartbeatResponse
	ResultRequest     = api.ResultRequest
	FailRequest       = api.FailRequest
	QueueCounts       = api.QueueCounts
	TaskView          = api.TaskView
	AutoscalerView    = api.AutoscalerView
	SubmitRequest     = api.SubmitRequest
	StoredImage       = api.StoredImage
	SubmitResponse    = api.SubmitResponse
	NotifyResponse    = api.NotifyResponse
	LeaderView        = api.LeaderView
	WhoAmI            = api.WhoAmI
)

// Coverage states of an image (ImageSummary.Coverage).
const (
	CoverageCovered    = api.CoverageCovered
	CoverageNotCovered = api.CoverageNotCovered
	CoverageUnknown    = api.CoverageUnknown
)

// The HTTP plumbing is package web's, shared with the handler packages.
type access = web.Access

const (
	maxNoBody     = web.MaxNoBody
	maxSmallBody  = web.MaxSmallBody
	maxLayerBody  = web.MaxLayerBody
	maxResultBody = web.MaxResultBody
	readAccess    = web.ReadAccess
	scannerAccess = web.ScannerAccess
	submitAccess  = web.SubmitAccess
	adminAccess   = web.AdminAccess
)

func errorf(code int, format string, args ...any) error { return web.Errorf(code, format, args...) }
func writeJSON(w http.ResponseWriter, code int, v any)  { web.WriteJSON(w, code, v) }
func decode(r *http.Request, v any) error               { return web.Decode(r, v) }

// Decision results of the admission webhook (package admissionhook).
const (
	ResultAllowed   = admissionhook.ResultAllowed
	ResultDenied    = admissionhook.ResultDenied
	ResultWouldDeny = admissionhook.ResultWouldDeny
)

// RematchStats summarises one re-match pass (package rematch).
type RematchStats = rematch.RematchStats
