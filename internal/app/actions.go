package app

// The actions of the application, named as the API names them: each has
// one row in the authorization table (authz.go).
const (
	actRegister              Action = "register"
	actLogin                 Action = "login"
	actLoginWithIDToken      Action = "loginWithIdToken"
	actRefreshToken          Action = "refreshToken"
	actLogout                Action = "logout"
	actAddInterest           Action = "addInterest"
	actRemoveInterest        Action = "removeInterest"
	actFollow                Action = "follow"
	actUnfollow              Action = "unfollow"
	actTransferCoins         Action = "transferCoins"
	actUpdateProfile         Action = "updateProfile"
	actBlock                 Action = "block"
	actUnblock               Action = "unblock"
	actMute                  Action = "mute"
	actUnmute                Action = "unmute"
	actDismissRecommendation Action = "dismissRecommendation"
	actDeleteAccount         Action = "deleteAccount"
	actMarkNotificationsRead Action = "markNotificationsRead"

	actMe                      Action = "me"
	actPerson                  Action = "person"
	actRecommendedPeople       Action = "recommendedPeople"
	actCommandReceipt          Action = "commandReceipt"
	actCommandOutcome          Action = "commandReceipt of another's command"
	actLedger                  Action = "ledger"
	actWalletTransfers         Action = "Wallet.transfers"
	actSearchPersons           Action = "searchPersons"
	actInterests               Action = "interests"
	actTrendingInterests       Action = "trendingInterests"
	actRelatedInterests        Action = "Interest.related"
	actNotifications           Action = "notifications"
	actUnreadNotificationCount Action = "unreadNotificationCount"

	actSubscribeNotifications Action = "subscription notifications"
	actSubscribePersonEvents  Action = "subscription personEvents"
	actSubscribeGraphEvents   Action = "subscription graphEvents"
)
