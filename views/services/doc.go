// Package services holds the screens of the fleet's services: SERVICE
// STATUS by project (tab 2), every service of every engine with its host
// (tab 3, Fleet), and the detail of one project's containers.
package services
