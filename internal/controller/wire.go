package controller

import "github.com/scanfleet/scanfleet/internal/api"

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
