// Every operation the app sends, in one place.

const PERSON = 'id name interests { name }';

// Two operations, sent together: each neighbour's interests (for the shared
// ones) cost 100 each in the gateway's complexity figure, so the ego graph
// alone is most of the 5,000 an operation may cost. It shows the first 20
// followers and followees.
export const ME = `query Me {
  me {
    id name email
    interests { name }
    wallet {
      balance
      transfers(first: 10) { edges { node { id kind amount memo at from { id name } to { id name } } } }
    }
  }
}`;

export const EGO = `query Ego {
  me {
    followers(first: 20) { totalCount edges { node { ${PERSON} } } }
    following(first: 20) { totalCount edges { node { ${PERSON} } } }
  }
}`;

export const SEARCH = `query Search($q: String!) {
  searchPersons(query: $q, first: 10) { edges { node { id name followerCount } } }
}`;

export const RECOMMENDED = `query Recommended {
  recommendedPeople(first: 10) { score person { id name } sharedInterests { name } }
}`;

const AUTH = 'accessToken refreshToken expiresAt person { id }';
export const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { ${AUTH} } }`;
export const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH} } }`;
export const LOGOUT = `mutation Logout($t: String!) { logout(refreshToken: $t) }`;

const RECEIPT = 'commandId status reason';
export const ADD_INTEREST = `mutation Add($name: String!) { addInterest(name: $name) { ${RECEIPT} } }`;
export const REMOVE_INTEREST = `mutation Remove($name: String!) { removeInterest(name: $name) { ${RECEIPT} } }`;
export const FOLLOW = `mutation Follow($id: ID!) { follow(personId: $id) { ${RECEIPT} } }`;
export const UNFOLLOW = `mutation Unfollow($id: ID!) { unfollow(personId: $id) { ${RECEIPT} } }`;
export const TRANSFER = `mutation Transfer($to: ID!, $amount: Int!, $memo: String) {
  transferCoins(to: $to, amount: $amount, memo: $memo) { ${RECEIPT} }
}`;

export const NOTIFICATIONS = `subscription Notifications {
  notifications { id kind at amount actor { id name } }
}`;

export const PERSON_EVENTS = `subscription PersonEvents($id: ID!) {
  personEvents(personId: $id) {
    __typename id at
    ... on Followed { followee { id name } }
    ... on Unfollowed { followee { id name } }
    ... on InterestAdded { interest { name } }
    ... on InterestRemoved { interest { name } }
  }
}`;

export interface PersonRef {
  id: string;
  name: string;
  interests?: { name: string }[];
}
export interface Connection {
  totalCount: number;
  edges: { node: PersonRef }[];
}
export interface Transfer {
  id: string;
  kind: 'GRANT' | 'TRANSFER';
  amount: number;
  memo: string | null;
  at: string;
  from: { id: string; name: string } | null;
  to: { id: string; name: string };
}
export interface Me {
  id: string;
  name: string;
  email: string | null;
  interests: { name: string }[];
  followers: Connection;
  following: Connection;
  wallet: { balance: number; transfers: { edges: { node: Transfer }[] } } | null;
}
export interface Recommendation {
  score: number;
  person: { id: string; name: string };
  sharedInterests: { name: string }[];
}
export interface Receipt {
  commandId: string;
  status: 'ACCEPTED' | 'APPLIED' | 'REJECTED';
  reason: string | null;
}
export interface Notification {
  id: string;
  kind: string;
  at: string;
  amount: number | null;
  actor: { id: string; name: string } | null;
}
export interface SearchHit {
  id: string;
  name: string;
  followerCount: number;
}
