var A,rt,ds,W,Ne,be,it,$e,lt,Ae,Te,ps,ie=Symbol.for("pv"),ye={},ke=[],us=/^m(i|n|o|s|text|space)$/,Le=Array.isArray,Pe=ke.slice,Q=Object.assign;function Z(e){e&&e.parentNode&&e.remove()}function ct(e,t,s){var n,r,i,o={},l=arguments.length;for(i in t)i=="key"?n=t[i]:i=="ref"&&typeof e!="function"?r=t[i]:o[i]=t[i];return l>2&&(o.children=l>3?Pe.call(arguments,2):s),re(e,o,n,r,null)}function re(e,t,s,n,r){var i={type:e,props:t,key:s,ref:n,__k:null,__:null,__b:0,__e:null,__c:null,constructor:ie,__v:r||++rt,__i:-1,__u:0};return!r&&A.vnode&&A.vnode(i),i}function xe(e){return e.children}function ve(e,t){this.props=e,this.context=t,this.__g=0}function q(e,t){if(t==null)return e.__&&q(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:q(e)}function ms(e){var t,s=e.__v,n=s.__e,r=[],i=[],o=e.__P;o&&((t=Q({constructor:ie},s)).__v=s.__v+1,A.vnode&&A.vnode(t),Re(o,t,s,e.__n,o.namespaceURI,32&s.__u?[n]:null,r,n||q(s),32&s.__u,i),t.__v=s.__v,t.__.__k[t.__i]=t,ht(r,t,i),s.__=s.__e=null,t.__e!=n&&dt(t))}function dt(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),dt(e)}function nt(e){(8&e.__g||(e.__g|=8,W.push(e),be++))&&Ne==A.debounceRendering||((Ne=A.debounceRendering)||queueMicrotask)(pt)}function pt(){try{for(var e,t=1;W.length;)W.length>t&&W.sort(it),e=W.shift(),t=W.length,8&e.__g&&ms(e)}finally{(be=W.length)&&(Ne||queueMicrotask)(pt)}}function ut(e,t,s,n,r,i,o,l,m,f,c){var u,p,d,g,_,h,y=n.__k||ke,k=t.length;for(m=fs(s,t,y,m,k),u=0;u<k;u++)(d=s.__k[u])!=null&&(p=~d.__i&&y[d.__i]||ye,d.__i=u,h=Re(e,d,p,r,i,o,l,m,f,c),g=d.__e,(p.ref!=d.ref||8&p.__u)&&(p.ref&&De(p.ref,null,d,p),d.ref&&c.push(d.ref,d.__c||g,d)),_=_||g,4&d.__u?(m=mt(d,m,e,!p.__v),p.__e&&(p.__e=null)):typeof d.type=="function"&&h!==void 0?m=h:g&&(m=g.nextSibling),d.__u&=-21);return s.__e=_,m}function fs(e,t,s,n,r){var i,o,l,m,f,c,u,p,d,g=s.length,_=g,h=0,y=0,k=e.__k=Array(r);for(i=0;i<r;i++)(o=t[i])!=null&&typeof o!="boolean"&&typeof o!="function"?(typeof o!="object"||o.constructor===String?o=k[i]=re(null,o):Le(o)?o=k[i]=re(xe,{children:o}):o.constructor===ie&&o.__b?o=k[i]=re(o.type,o.props,o.key,o.ref,o.__v):k[i]=o,m=i+h,o.__=e,o.__b=e.__b+1,l=null,~(f=o.__i=hs(o,s,m,_))&&(_--,(l=s[f])&&(l.__u|=2)),l&&l.__v?(o.__u|=16,f==m-1?h--:f==m+1?h++:f!=m&&(f>m?h--:h++,y=1)):(~f||(r>g?h--:r<g&&h++),typeof o.type!="function"&&(o.__u|=4))):k[i]=null;if(y){for(c=[],u=[],i=0;i<r;i++)if((o=k[i])&&16&o.__u){for(h=0,p=c.length;h<p;)c[d=h+p>>1]<o.__i?h=d+1:p=d;c[h]=o.__i,u[i]=h+1}for(h=c.length;i--;)u[i]&&(u[i]==h?h--:k[i].__u|=4)}if(_)for(i=0;i<g;i++)!(l=s[i])||2&l.__u||(l.__e==n&&(n=q(l)),Oe(l,l));return n}function mt(e,t,s,n){var r,i,o,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(i=0;i<r.length;i++)r[i]&&(r[i].__=e,t=mt(r[i],t,s,!1));return t}for(t&&!t.parentNode&&(t=q(e))&&!t.parentNode&&(t=null),o=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(o!=l&&(!n&&s.moveBefore&&o.parentNode?s.moveBefore(o,t):s.insertBefore(o,t||null)),t=o;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function hs(e,t,s,n){var r,i=e.key,o=e.type,l=t[s],m=l&&!(2&l.__u);if(l===null&&i==null||m&&i==l.key&&o==l.type)return s;if(n>(m?1:0)){for(r=s-1;r>=0;r--)if((l=t[r])&&!(2&l.__u)&&i==l.key&&o==l.type)return r;for(r=s+1;r<t.length;r++)if((l=t[r])&&!(2&l.__u)&&i==l.key&&o==l.type)return r}return-1}function ot(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function ge(e,t,s,n,r){var i,o;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof n=="string"&&(e.style.cssText=n=""),n)for(t in n)s&&t in s||ot(e.style,t);if(s)for(t in s)n&&s[t]==n[t]||ot(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof n!="function"&&(n=null),(e.__e||(e.__e={}))[t]=s,s&&n||(o=Te[t]||(Te[t]=gs(t)),(e.__a||(e.__a={}))[t]=Ae,i=t!=(t=t.replace(lt,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,o,i):e.removeEventListener(t,o,i));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function gs(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[$e]==null)t[$e]=Ae++;else if(t[$e]<this.__a[e])return;return s(A.event?A.event(t):t)}}}function Re(e,t,s,n,r,i,o,l,m,f){var c,u,p,d,g,_,h,y,k,v,$,b,S,z,Y,at,H,X,V=t.type;if(t.constructor!==ie)return null;128&s.__u&&(m=32&s.__u,c=s.__c.__z)&&(t.__u|=m,u=i=[],c.nodeType==8?l=_e(c,i):i.push(c),l=i[0]||l),(c=A.__b)&&c(t);e:if(typeof V=="function"){p=o.length;try{if(y=t.props,k=(c=V.prototype)&&c.render,v=(c=V.contextType)&&n[c.__c],$=c?v?v.props.value:c.__:n,(d=s.__c)?(t.__c=d,2&d.__g&&(d.__g|=1)):(k?t.__c=d=new V(y,$):(t.__c=d=new ve(y,$),d.constructor=V,d.render=vs),v&&v.sub(d),d.state||(d.state={}),d.__n=n,d.__g|=8,d.__h=[],d.__k=[]),k&&(d.__s||(d.__s=d.state),V.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=Q({},d.__s)),Q(d.__s,V.getDerivedStateFromProps(y,d.__s)))),g=d.props,_=d.state,d.__v=t,s.__c){if(y!==g&&k&&!V.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps(y,$),t.__v==s.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&d.shouldComponentUpdate(y,d.__s,$)===!1){t.__v!=s.__v&&(d.props=y,d.state=d.__s,d.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(j){j&&(j.__=t)}),ke.push.apply(d.__h,d.__k),d.__k=[],d.__h.length&&o.push(d),l=q(s);break e}d.componentWillUpdate&&d.componentWillUpdate(y,d.__s,$),k&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate(g,_,h)})}else k&&!V.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),k&&d.componentDidMount&&d.__h.push(d.componentDidMount);d.context=$,d.props=y,d.__P=e,d.__g&=-5,b=A.__r,S=k?25:0;do d.__g&=-9,b&&b(t),c=d.render(d.props,d.state=d.__s,d.context);while(8&d.__g&&++S<25);k&&(ke.push.apply(d.__h,d.__k),d.__k=[]),d.state=d.__s,d.getChildContext&&(n=Q({},n,d.getChildContext())),k&&s.__c&&d.getSnapshotBeforeUpdate&&(h=d.getSnapshotBeforeUpdate(g,_)),z=c&&c.type===xe&&c.key==null?c.props.children:c,y.__P&&(c=l,r=(e=y.__P).namespaceURI,m=i=null,s.props&&s.props.__P!=e&&(s.__k.some(function(j){j&&Oe(j,j)}),s.__k=null),l=s.__k?q(s,0):null),l=ut(e,Le(z)?z:[z],t,s,n,r,i,o,l,m,f),y.__P&&(t.__e=null,l=c),t.__u&=-161,u&&u.some(Z),d.__h.length&&o.push(d),1&d.__g&&(d.__g&=-4)}catch(j){if(o.length=p,t.__v=null,m||i)if(j&&j.then){if(t.__u|=128|m,i){for(~(H=i.indexOf(l||void 0))||(H=i.length);(X=i[H-1])&&X.nodeType==8;)H--;for(;H<i.length;H++)if(X=i[H])if(i[H]=null,Y){if(X==at)break}else{if(X.nodeType!=8)break;X.data.startsWith("$s")&&(at=_e(Y=X))}}if(!Y){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;Y=l}(c=_e(Y=t.__c.__z||(t.__c.__z=Y)))?(t.__e=Y,l=c):t.__e=l,l=l&&l.nextSibling}else i&&i.some(Z);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),j&&j.then||ft(t),A.__e(j,t,s)}}else l=t.__e=$s(s.__e,t,s,n,r,i,o,m,f,e);return(c=A.diffed)&&c(t),l}function _e(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function ft(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ft))}function ht(e,t,s){for(var n=0;n<s.length;)De(s[n++],s[n++],s[n++]);A.__c&&A.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(i){i.call(r)})}catch(i){A.__e(i,r.__v)}})}function $s(e,t,s,n,r,i,o,l,m,f){var c,u,p,d,g,_,h,y,k=s.props||ye,v=t.props,$=t.type;if($=="svg"?r="http://www.w3.org/2000/svg":$=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),i){for(c=0;c<i.length;c++)if((g=i[c])&&($?g.localName==$:g.nodeType==3)){e=g,i[c]=null;break}}if(!e){if(y=f.ownerDocument||document,!$)return y.createTextNode(v);e=y.createElementNS(r,$,v.is?v:f),l&&(A.__m&&A.__m(t,i),l=!1),i=null}if($){if(f=$=="template"&&e.content||e,i=$=="textarea"&&v.defaultValue!=null?null:i&&Pe.call(f.childNodes),!l&&i)for(k={},c=0;c<e.attributes.length;c++)k[(g=e.attributes[c]).name]=g.value;for(c in k)g=k[c],c=="dangerouslySetInnerHTML"?p=g:c=="children"||c in v||c=="value"&&"defaultValue"in v||c=="checked"&&"defaultChecked"in v||ge(e,c,null,g,r);for(c in v)g=v[c],c=="children"?d=g:c=="dangerouslySetInnerHTML"?u=g:c=="value"?_=g:c=="checked"?h=g:l&&typeof g!="function"||k[c]===g||ge(e,c,g,k[c],r);u?(l||p&&(u.__html==p.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[]):(p&&(e.textContent=""),($=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&us.test($))&&(r="http://www.w3.org/1999/xhtml"),ut(f,Le(d)?d:[d],t,s,n,r,i,o,i?i[0]:s.__k&&q(s,0),l,m),i&&i.some(Z)),l&&$!="textarea"||(c="value",$=="progress"&&_==null?e.removeAttribute(c):_==null||_===e[c]&&($!="progress"||_)||ge(e,c,_,k[c],r),c="checked",h!=null&&h!=e[c]&&ge(e,c,h,k[c],r))}else k===v||l&&e.data==v||(e.data=v);return e}function De(e,t,s,n){try{typeof e=="function"?t?t.__x=e(t)||1:n&&(n=n.__c||n.__e)&&(t=n.__x)&&(n.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){A.__e(r,s)}}function Oe(e,t,s){var n,r,i,o;if(A.unmount&&A.unmount(e),!(n=e.ref)||n.current&&n.current!=e.__e||De(n,null,t,e),n=e.__c){if(n.componentWillUnmount)try{n.componentWillUnmount()}catch(l){A.__e(l,t)}n.__P=n.__n=null}if(n=e.__k)for(o=0;o<n.length;o++)n[o]&&Oe(n[o],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(n=e.__c)&&(n=n.__z)&&(r=_e(n,i=[]))&&(n==e.__e&&i.some(Z),Z(r),Z(n)),s||Z(e.__e),e.__e=e.__c=e.__=null}function vs(e,t,s){return this.constructor(e,s)}function gt(e,t){var s,n,r,i;A.__&&A.__(e,t),t.nodeType==9&&(t=t.documentElement),n=(s=e&&32&e.__u)?null:t.__k,t.__k=re(xe,{children:[e]}),r=[],i=[],Re(t,t.__k,n||ye,ye,t.namespaceURI,n?null:t.firstChild?Pe.call(t.childNodes):null,r,n?n.__e:t.firstChild,s,i),ht(r,t.__k,i),t.__k.props.children=null}A={__e:function(e,t,s,n){for(var r,i,o;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((o=(i=r.constructor)&&i.getDerivedStateFromError)&&r.setState(i.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,n||{}),o=1),o&&8&r.__g)return void(r.__g|=2)}catch(l){e=l}}throw be=0,e}},rt=0,ds=function(e){return e!=null&&e.constructor===ie},ve.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=Q({},this.state)),typeof e=="function"&&(e=e(Q({},s),this.props)),e&&(Q(s,e),this.__v&&(t&&this.__k.push(t),nt(this)))},ve.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),nt(this))},ve.prototype.render=xe,W=[],be=0,it=function(e,t){return e.__v.__b-t.__v.__b},$e=Symbol(),lt=/(PointerCapture)$|Capture$/i,Ae=0,Te={},ps=0;var se,D,Me,$t,Ue=Object.is,ce=0,Ct=[],je=[],R=A,vt=R.__b,_t=R.__r,bt=R.diffed,yt=R.__c,kt=R.unmount,xt=R.__;function we(e,t){R.__h&&R.__h(D,e,ce||t),ce=0;var s=D.__H||(D.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function x(e){return ce=1,_s(Nt,e)}function _s(e,t,s){var n=we(se++,2);if(n.t=e,!n.__c&&(n.__=[s?s(t):Nt(void 0,t),function(i){var o=(n.__N||n.__)[0],l=n.t(o,i);Ue(o,l)||(n.__N=[l,n.__[1]],n.__c.setState({}))}],n.__c=D,!D.__f)){D.__f=!0;var r=D.shouldComponentUpdate;D.shouldComponentUpdate=function(i,o,l){var m=this.__H;if(!m)return!0;var f=!1,c=this.props!=i;if(m.__.some(function(p){p.__N&&(f=!0,Ue(p.__[0],p.__N[0])||(c=!0))}),r){var u=r.call(this,i,o,l);return f?u||c:u}return!f||c}}return n.__}function G(e,t){var s=we(se++,3);!R.__s&&Fe(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,D.__H.__h.push(s))}function Et(e,t){var s=we(se++,4);!R.__s&&Fe(s.__H,t)&&(s.__P=!1,s.__=e,s.u=t,D.__h.push(s))}function ae(e){return ce=5,de(function(){return{current:e}},[])}function de(e,t){var s=we(se++,7);return Fe(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function It(e,t){return ce=8,de(function(){return e},t)}function bs(){var e;do{for(;e=je.shift();)try{le(e)}catch(s){R.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=Ct.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(le),t.__h.some(Ve),t.__h=[]}catch(s){t.__h=[],R.__e(s,e.__v)}}}while(je.length)}R.__b=function(e){D=null,vt&&vt(e)},R.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),xt&&xt(e,t)},R.__r=function(e){_t&&_t(e),se=0;var t=(D=e.__c).__H;t&&(Me==D?D.__h=[]:(t.__h.some(le),t.__h.some(Ve),se=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),Me=D},R.diffed=function(e){bt&&bt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&St(Ct.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),Me=D=null},R.__c=function(e,t){t.some(function(s){try{s.__h.some(le),s.__h=s.__h.filter(function(n){return!n.__||Ve(n)})}catch(n){s.__h=[function(){throw n}]}}),yt&&yt(e,t)},R.unmount=function(e){kt&&kt(e);var t,s,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,St(je.push(r))}else le(r)}catch(i){t=i}}),n.__H=void 0,t&&R.__e(t,n.__v))};var wt=typeof requestAnimationFrame=="function";function ys(e){var t,s=function(){clearTimeout(n),wt&&cancelAnimationFrame(t),setTimeout(e)},n=setTimeout(s,35);wt&&(t=requestAnimationFrame(s))}function St(e){e!=1&&$t==R.requestAnimationFrame||(($t=R.requestAnimationFrame)||ys)(bs)}function le(e){var t=D,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),D=t}function Ve(e){var t=D;e.__c=e.__(),D=t}function Fe(e,t){return!e||e.length!=t.length||t.some(function(s,n){return!Ue(s,e[n])})}function Nt(e,t){return typeof t=="function"?t(e):t}var Be="scanfleet.token",We=sessionStorage.getItem(Be)||"",He=new Set;function Tt(){return We}function Se(e){We=e,e?sessionStorage.setItem(Be,e):sessionStorage.removeItem(Be);for(let t of He)t(e)}function At(e){return He.add(e),()=>He.delete(e)}var ne=class extends Error{constructor(t,s){super(s),this.status=t}};async function w(e,{method:t="GET",body:s,raw:n=!1,token:r}={}){let i={Authorization:"Bearer "+(r??We)};s!==void 0&&(i["Content-Type"]="application/json");let o=await fetch(e,{method:t,headers:i,body:s===void 0?void 0:JSON.stringify(s)});if(o.status===401)throw r===void 0&&Se(""),new ne(401,"The token was refused; log in again.");if(!o.ok){let l=o.statusText;try{l=(await o.json()).error||l}catch{}throw new ne(o.status,l)}return n?o:o.status===204?null:o.json()}async function Ce(e,t){let s=await w(e,{raw:!0}),n=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(n),i=await s.blob(),o=URL.createObjectURL(i),l=document.createElement("a");l.href=o,l.download=r?r[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4)}function U(e){let t=new URLSearchParams;for(let[n,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(n,String(r));let s=t.toString();return s?"?"+s:""}var Pt=function(e,t,s,n){var r;t[0]=0;for(var i=1;i<t.length;i++){var o=t[i++],l=t[i]?(t[0]|=o?1:2,s[t[i++]]):t[++i];o===3?n[0]=l:o===4?n[1]=Object.assign(n[1]||{},l):o===5?(n[1]=n[1]||{})[t[++i]]=l:o===6?n[1][t[++i]]+=l+"":o?(r=e.apply(l,Pt(e,l,s,["",null])),n.push(r),l[0]?t[0]|=2:(t[i-2]=0,t[i]=r)):n.push(l)}return n},Lt=new Map;function Rt(e){var t=Lt.get(this);return t||(t=new Map,Lt.set(this,t)),(t=Pt(this,t.get(e)||(t.set(e,t=(function(s){for(var n,r,i=1,o="",l="",m=[0],f=function(p){i===1&&(p||(o=o.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?m.push(0,p,o):i===3&&(p||o)?(m.push(3,p,o),i=2):i===2&&o==="..."&&p?m.push(4,p,0):i===2&&o&&!p?m.push(5,0,!0,o):i>=5&&((o||!p&&i===5)&&(m.push(i,0,o,r),i=6),p&&(m.push(i,p,0,r),i=6)),o=""},c=0;c<s.length;c++){c&&(i===1&&f(),f(c));for(var u=0;u<s[c].length;u++)n=s[c][u],i===1?n==="<"?(f(),m=[m],i=3):o+=n:i===4?o==="--"&&n===">"?(i=1,o=""):o=n+o[0]:l?n===l?l="":o+=n:n==='"'||n==="'"?l=n:n===">"?(f(),i=1):i&&(n==="="?(i=5,r=o,o=""):n==="/"&&(i<5||s[c][u+1]===">")?(f(),i===3&&(m=m[0]),i=m,(m=m[0]).push(2,0,i),i=0):n===" "||n==="	"||n===`
`||n==="\r"?(f(),i=2):o+=n),i===3&&o==="!--"&&(i=4,m=m[0])}return f(),m})(e)),t),arguments,[])).length>1?t:t[0]}var a=Rt.bind(ct);function ee(e){let[t,s]=x(e),n=ae(e);return G(()=>{n.current!==e&&(n.current=e,s(e))},[e]),[t,s]}var O=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function qe(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function E(e,t={}){let s=new URLSearchParams;for(let[r,i]of Object.entries(t))i!=null&&i!==""&&i!==!1&&s.set(r,String(i));let n=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(n?"?"+n:"")}function F(e,t){location.hash=E(e,t)}function I(e,t,s=0){let[n,r]=x({data:null,error:null,loading:!0}),i=ae(0),o=It(async()=>{let l=++i.current;try{let m=await e();l===i.current&&r({data:m,error:null,loading:!1})}catch(m){l===i.current&&r(f=>({data:f.data,error:m,loading:!1}))}},t);return G(()=>{if(r(m=>({...m,loading:!0})),o(),!s)return;let l=setInterval(o,s);return()=>{clearInterval(l),i.current++}},[o]),{...n,reload:o}}function pe(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function M(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function N(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function P(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Ot(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function B(e){return"sev sev-"+(e||"unknown").toLowerCase()}function C({error:e}){return e?a`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function T({what:e="Loading"}){return a`<p class="muted" role="status">${e}…</p>`}function Dt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function ks(e,t){let s=[e.map(([n])=>Dt(n)).join(",")];for(let n of t)s.push(e.map(([,r])=>Dt(r(n))).join(","));return s.join(`\r
`)+`\r
`}function Ge(e,t,s="text/csv"){let n=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=n,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(n),1e4)}function L({name:e,columns:t,rows:s,label:n="Export CSV"}){let[r,i]=x(!1),[o,l]=x(null);async function m(){i(!0),l(null);try{Ge(e+".csv",ks(t,await s()))}catch(f){l(f)}i(!1)}return a`<span class="csv"><button type="button" class="small" onClick=${m} disabled=${r}
    aria-label=${n+" ("+e+".csv)"}>${r?"Exporting\u2026":n}</button>${o&&a` <span class="error" role="alert">${o.message}</span>`}</span>`}function K({offset:e,size:t,total:s,onGo:n,label:r="Pages"}){return s<=t&&e===0?null:a`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>n(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>n(e+t)}>Next</button>
  </nav>`}function Ee({coverage:e,notCovered:t=[]}){return e==="not_covered"?a`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?a`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}function Mt(e){return(e||"").split(/[\n,]/).map(t=>t.trim()).filter(Boolean)}var xs=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],Ke=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ws(e){if(!e)return"Manual";let t=Ke.find(([s])=>s===e);return t?t[1]:"Every "+e}var Ut={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1,kind:"",namespace:"",api:"",repositories:"",api_token:"",webhook_secret:"",max_pulls:"",pulls_per_second:""},Ss=[["","Generic (/v2/_catalog)"],["dockerhub","Docker Hub"],["ghcr","GitHub (GHCR)"],["gitlab","GitLab"],["harbor","Harbor"],["quay","Quay"],["artifactory","JFrog Artifactory"],["nexus","Sonatype Nexus"],["ecr","Amazon ECR"],["gar","Google Artifact Registry"],["acr","Azure Container Registry"]];function Cs({initial:e,onDone:t,onCancel:s}){let n=!!e,[r,i]=x(e?{...Ut,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||"",kind:e.kind||"",namespace:e.namespace||"",api:e.api||"",repositories:(e.repositories||[]).join(`
`),api_token:"",webhook_secret:"",max_pulls:e.max_pulls||"",pulls_per_second:e.pulls_per_second||""}:Ut),[o,l]=x(null),[m,f]=x(!1),c=d=>g=>{let _=g.currentTarget;i({...r,[d]:_.type==="checkbox"?_.checked:_.value})};async function u(d){d.preventDefault(),f(!0),l(null);let g={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map(_=>_.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0,kind:r.kind||void 0,namespace:r.namespace.trim()||void 0,api:r.api.trim()||void 0,repositories:r.repositories.split(/[\n,]/).map(_=>_.trim()).filter(Boolean),api_token:r.api_token||void 0,webhook_secret:r.webhook_secret||void 0,max_pulls:r.max_pulls?Number(r.max_pulls):void 0,pulls_per_second:r.pulls_per_second?Number(r.pulls_per_second):void 0};try{n?await w("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:g}):await w("/api/v1/registries",{method:"POST",body:g}),t(g.name)}catch(_){l(_),f(!1)}}let p=r.interval&&!Ke.some(([d])=>d===r.interval);return a`<form class="card form" onSubmit=${u} aria-labelledby="regform-title">
    <h2 id="regform-title">${n?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${c("name")}
          readonly=${n} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${c("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${c("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${c("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${c("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${p?"custom":r.interval} onChange=${d=>{let g=d.currentTarget.value;i({...r,interval:g==="custom"?"2h":g})}}>
          ${Ke.map(([d,g])=>a`<option value=${d}>${g}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${p&&a`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${c("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${c("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${c("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${c("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${r.kind} onChange=${c("kind")}>
          ${Ss.map(([d,g])=>a`<option value=${d}>${g}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${r.namespace} onInput=${c("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${r.api} onInput=${c("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${r.api_token} onInput=${c("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${r.repositories} onInput=${c("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${r.webhook_secret} onInput=${c("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${r.max_pulls} onInput=${c("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${r.pulls_per_second} onInput=${c("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${c("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${c("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${n&&a` Saving replaces them:
        ${e.password_set||e.token_set?a`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${C} error=${o} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${m}>${n?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function Es({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,n;return e.crawling?n="Listing images\u2026":s?n=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?n=`Last scan ${P(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):n="Never scanned",a`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${n}</span>
    ${s&&t>0&&a`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&a`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function jt({role:e}){let t=e==="admin",{data:s,error:n,reload:r}=I(()=>w("/api/v1/console/registries"),[],2e3),[i,o]=x(null),[l,m]=x(""),[f,c]=x(null);async function u(p,d){c(null);try{await p(),m(d),r()}catch(g){c(g)}}return a`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!i&&a`<button type="button" class="primary" onClick=${()=>o("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${i&&a`<${Cs}
      initial=${i==="new"?null:i}
      onCancel=${()=>o(null)}
      onDone=${p=>{o(null),m("Registry "+p+" saved."),r()}}
    />`}
    <${C} error=${f||n} />
    ${!s&&!n&&a`<${T} />`}
    ${s&&s.length===0&&a`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&a`<div class="list-tools"><span></span><${L} name="registries" columns=${xs} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&a`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(p=>a`<tr key=${p.name} data-registry=${p.name}>
            <th scope="row"><a href=${E(["images"],{registry:p.name})}>${p.name}</a>
              ${(p.filters||[]).length>0&&a`<div class="small muted">${p.filters.join(", ")}</div>`}</th>
            <td class="mono small">${p.url}${p.username&&a`<div class="muted">as ${p.username}</div>`}</td>
            <td>${ws(p.interval)}${p.rescan_after_db_update&&a`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${p.images}</td>
            <td><${Es} r=${p} /></td>
            ${t&&a`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+p.name+" now"} disabled=${p.crawling}
                onClick=${()=>u(()=>w(`/api/v1/registries/${encodeURIComponent(p.name)}/scan`,{method:"POST",body:{}}),"Scan of "+p.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+p.name} onClick=${()=>o(p)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+p.name}
                onClick=${()=>confirm(`Delete registry ${p.name}? Its stored results stay.`)&&u(()=>w(`/api/v1/registries/${encodeURIComponent(p.name)}`,{method:"DELETE"}),"Registry "+p.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var Vt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function ue(e){return Vt[e]||Vt.UNKNOWN}function J({counts:e={},fixable:t={},title:s="Findings by severity"}){let n=O.filter(g=>e[g]>0);if(!n.reduce((g,_)=>g+e[_],0))return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let i=Math.max(...n.map(g=>e[g])),o=26,l=pe(),m=l?84:92,f=l?96:120,c=l?340:560,u=c-m-f,p=n.length*o+24,d=s+": "+n.map(g=>`${e[g]} ${g.toLowerCase()} (${t[g]||0} with a fix)`).join(", ");return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${c} ${p}" role="img" aria-label=${d} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${n.map(g=>a`<pattern id=${"nofix-"+g} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${ue(g)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${ue(g)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${n.map((g,_)=>{let h=_*o+2,y=e[g],k=Math.min(t[g]||0,y),v=Math.max(2,y/i*u),$=k/y*v;return a`<g>
          <text x="0" y=${h+16} class="chart-label">${g}</text>
          <rect x=${m} y=${h+3} width=${$} height="18" fill=${ue(g)} />
          <rect x=${m+$} y=${h+3} width=${v-$} height="18" fill=${"url(#nofix-"+g+")"} />
          <text x=${m+v+6} y=${h+16} class="chart-num">${y} (${k} fix)</text>
        </g>`})}
      <g transform=${`translate(${m},${n.length*o+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${n[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function Ie({samples:e=[],series:t,title:s,timeFmt:n}){let r=pe()?360:640,i=pe()?200:220,o=44,l=12,m=12,f=40;if(e.length<2)return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let c=new Date(e[0].time).getTime(),u=new Date(e[e.length-1].time).getTime(),p=Math.max(1,u-c),d=Math.max(1,...e.flatMap(b=>t.map(S=>b[S.key]||0))),g=Ft(d),_=b=>o+(new Date(b).getTime()-c)/p*(r-o-l),h=b=>m+(1-b/g)*(i-m-f),y=e[e.length-1],k=s+(n?` from ${$(e[0].time)} to ${$(y.time)}: `:` over the last ${Math.round(p/6e4)||"<1"} min: `)+t.map(b=>`${b.label} now ${y[b.key]||0}, peak ${Math.max(...e.map(S=>S[b.key]||0))}`).join("; "),v=[0,g/2,g],$=n||(b=>new Date(b).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${i}" role="img" aria-label=${k} preserveAspectRatio="xMinYMin meet">
      ${v.map(b=>a`<g>
          <line x1=${o} x2=${r-l} y1=${h(b)} y2=${h(b)} class="grid" />
          <text x=${o-6} y=${h(b)+4} text-anchor="end" class="chart-num">${b}</text>
        </g>`)}
      <text x=${o} y=${i-f+16} class="chart-num">${$(e[0].time)}</text>
      <text x=${r-l} y=${i-f+16} text-anchor="end" class="chart-num">${$(y.time)}</text>
      ${t.map(b=>a`<polyline fill="none" stroke=${b.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(S=>`${_(S.time).toFixed(1)},${h(S[b.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${o},${i-10})`}>
        ${t.map((b,S)=>a`<g transform=${`translate(${S*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${b.color} /><text x="18" y="-3" class="chart-legend">${b.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Ft(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function Bt({days:e=[],valueKey:t,title:s,color:n="#1a5fb4"}){if(!e.length)return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=pe()?340:560,i=170,o=36,l=24,m=14,f=Ft(Math.max(1,...e.map(_=>_[t]||0))),c=(r-o)/Math.max(e.length,7),u=Math.max(4,Math.min(40,c*.7)),p=_=>m+(1-_/f)*(i-m-l),d=_=>new Date(_+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),g=s+": "+e.map(_=>`${d(_.day)} ${_[t]||0}`).join(", ");return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${i}" role="img" aria-label=${g} preserveAspectRatio="xMinYMin meet">
      ${[0,f/2,f].filter(Number.isInteger).map(_=>a`<g><line x1=${o} x2=${r} y1=${p(_)} y2=${p(_)} class="grid" />
          <text x=${o-6} y=${p(_)+4} text-anchor="end" class="chart-num">${_}</text></g>`)}
      ${e.map((_,h)=>{let y=_[t]||0,k=o+h*c+(c-u)/2;return a`<g>
          <rect x=${k} y=${p(y)} width=${u} height=${Math.max(0,i-l-p(y))} fill=${n} />
          ${(e.length<=10||h===0||h===e.length-1)&&a`<text x=${k+u/2} y=${i-8} text-anchor="middle" class="chart-num">${d(_.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var me=50,Is=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],Ns=[["","Any"],["true","Running"],["false","Not running"]],Ts=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function fe({sev:e={},fix:t,coverage:s,notCovered:n}){let r=O.filter(o=>e[o]>0),i=a`<${Ee} coverage=${s} notCovered=${n} />`;return r.length?a`<span class="counts">${i}
    ${r.map(o=>a`<span class=${B(o)} title=${`${e[o]} ${o.toLowerCase()}`+(t?`, ${t[o]||0} with a fix`:"")}>
        <span aria-hidden="true">${o[0]}</span><span class="sr-only">${o.toLowerCase()}</span> ${e[o]}</span>`)}
  </span>`:s&&s!=="covered"?i:a`<span class="muted">none</span>`}function Ht({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",running:e.running==="true"||e.running==="false"?e.running:"",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:n,error:r,loading:i}=I(()=>w("/api/v1/console/images"+U({...t,limit:me})),[s],1e4),[o,l]=ee(t.q),m=u=>F(["images"],{...t,offset:0,...u}),f=u=>{let p=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);m({sort:u,order:t.sort===u?p?"asc":"desc":""})},c=u=>t.sort!==u?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(u))?"descending":"ascending";return a`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${u=>{u.preventDefault(),m({q:o.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${u=>m({registry:u.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(n?.registries||(t.registry?[t.registry]:[])).map(u=>a`<option value=${u}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${u=>m({repository:u.currentTarget.value})}>
          <option value="">All</option>
          ${(n?.repositories||(t.repository?[t.repository]:[])).map(u=>a`<option value=${u}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${u=>m({severity:u.currentTarget.value})}>
          <option value="">Any</option>
          ${O.map(u=>a`<option value=${u}>${u[0]+u.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${u=>m({coverage:u.currentTarget.value})}>
          ${Ts.map(([u,p])=>a`<option value=${u}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-running">Running</label>
        <select id="f-running" value=${t.running} onChange=${u=>m({running:u.currentTarget.value})}>
          ${Ns.map(([u,p])=>a`<option value=${u}>${p}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${o} onInput=${u=>l(u.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${u=>m({fixable:u.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${C} error=${r} />
    ${!n&&!r&&a`<${T} />`}
    ${n&&a`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${n.total}</strong> image${n.total===1?"":"s"}${n.not_covered>0?a`, <a href=${E(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${n.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${n.running>0?a`, <a href=${E(["images"],{...t,offset:0,running:"true"})}><strong>${n.running}</strong> running</a>`:""}${i?" (refreshing\u2026)":""}</p>
          <${L} name="images" columns=${As} rows=${()=>Ls(t)} />
        </div>
        ${t.running&&n.running_containers===0&&a`<p class="warn" data-testid="no-running">No running containers are recorded: the controller watches Pods only as
          <code>scanfleet-controller --watch-pods</code>, so “not running” here means “not known to run”.</p>`}
        <${J} counts=${n.severities} fixable=${n.fixable} title="Findings in these images by severity" />
      </div>
      ${n.total===0?a`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:a`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${Is.map(u=>a`<th scope="col" class=${u.cls||""} aria-sort=${c(u.key)}>
              <button type="button" class="sort" onClick=${()=>f(u.key)}>${u.label}<span aria-hidden="true">${t.sort===u.key?c(u.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${n.items.map(u=>{let p=Object.values(u.fixable||{}).reduce((d,g)=>d+g,0);return a`<tr key=${u.registry+u.repository+u.digest}>
              <th scope="row">
                <a href=${E(["image",u.digest])}>${u.repository}:${u.tag}</a>
                ${u.running&&a` <a class="badge running" href=${E(["workloads"],{})} title="A running container uses this image">running</a>`}
                ${(u.tags||[]).filter(d=>d!==u.tag).length>0&&a`<div class="small">also ${(u.tags||[]).filter(d=>d!==u.tag).map(d=>":"+d).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${u.registry} · ${M(u.digest)}${u.platform?" \xB7 "+u.platform:""}</div>
              </th>
              <td class="hide-sm">${u.os||a`<span class="muted">unknown</span>`}</td>
              <td><${fe} sev=${u.severities} fix=${u.fixable} coverage=${u.coverage} notCovered=${u.not_covered} /></td>
              <td class="num">${p} / ${u.vulnerabilities}${u.coverage==="not_covered"?a`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${u.packages}</td>
              <td class="hide-sm" title=${u.scanned_at}>${P(u.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>m({offset:Math.max(0,t.offset-me)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(n.total,t.offset+me)} of ${n.total}</span>
        <button type="button" disabled=${t.offset+me>=n.total} onClick=${()=>m({offset:t.offset+me})}>Next</button>
      </nav>`}
    `}`}var As=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at],["running",e=>!!e.running]];async function Ls(e){let t=[];for(let s=0;;s+=500){let n=await w("/api/v1/console/images"+U({...e,offset:s,limit:500}));if(t.push(...n.items),s+500>=n.total)return t}}var te=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],Ps=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function Rs(e){let s=(e.references||[]).find(n=>/^https:\/\//.test(n));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var Wt=50;function Je({kev:e}){return e?a`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function ze({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return a`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function Ye({cvss:e}){return!e||!e.length?a`<span class="muted">none given</span>`:a`<ul class="refs">${e.map(t=>a`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function Xe({refs:e}){return!e||!e.length?a`<span class="muted">none</span>`:a`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?a`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:a`<li>${t}</li>`)}</ul>`}function Ds({v:e}){return a`<div class="detail-body">
    ${e.title&&a`<strong>${e.title}</strong>`}
    ${e.description?a`<p class="description">${e.description}</p>`:a`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${Ye} cvss=${e.cvss} /></dd>
      ${e.kev&&a`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&a`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&a`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${Xe} refs=${e.references} /></dd>
    </dl>
  </div>`}var Os=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ze({rep:e,name:t}){let[s,n]=x(""),[r,i]=x(""),[o,l]=x(!1),[m,f]=x(!1),[c,u]=x(0),[p,d]=x({}),g=e.vulnerabilities||[],_=de(()=>{let v=s.trim().toLowerCase();return g.filter($=>(!r||($.severity||"").toUpperCase()===r)&&(!o||$.fixed_version)&&(!m||$.kev)&&(!v||($.id+" "+($.aliases||[]).join(" ")+" "+$.package+" "+($.title||"")).toLowerCase().includes(v))).sort(($,b)=>O.indexOf(($.severity||"UNKNOWN").toUpperCase())-O.indexOf((b.severity||"UNKNOWN").toUpperCase())||(b.kev?1:0)-($.kev?1:0)||$.id.localeCompare(b.id))},[g,s,r,o,m]),h=v=>$=>{v($),u(0)},y=_.slice(c,c+Wt),k=g.some(v=>v.kev);return a`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${v=>v.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${v=>h(n)(v.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${v=>h(i)(v.currentTarget.value)}>
          <option value="">Any</option>
          ${O.map(v=>a`<option value=${v}>${v[0]+v.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${o} onChange=${v=>h(l)(v.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${k&&a`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${m} onChange=${v=>h(f)(v.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${_.length} of ${g.length} findings</p>
      <${L} name=${t+"-findings"} columns=${Os} rows=${()=>_} />
    </div>
    ${_.length>0&&a`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${y.map((v,$)=>{let b=v.id+"|"+v.package+"|"+v.installed_version+"|"+(v.package_path||"")+"|"+(c+$),S=!!p[b];return a`<tr key=${b}>
            <td><span class=${B((v.severity||"").toUpperCase())}>${v.severity||"UNKNOWN"}</span>
              ${v.severity_source&&a`<div class="small muted">${v.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${E(["vulnerabilities",v.id])}>${v.id}</a>
              <a class="ext" href=${Rs(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+v.id+" (opens a new tab)"}>↗</a>
              <${Je} kev=${v.kev} /><${ze} epss=${v.epss} />
              ${v.title&&a`<div class="title-line" title=${v.title}>${v.title}</div>`}
              ${(v.aliases||[]).length>0&&a`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type&&a` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version?a`<strong>${v.fixed_version}</strong>`:a`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer?a`<span class="mono">${M(v.layer)}</span>`:""}
              ${v.layer_created_by&&a`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${S?"true":"false"} aria-controls=${"d-"+(c+$)}
              aria-label=${(S?"Hide details of ":"Show details of ")+v.id+" in "+v.package}
              onClick=${()=>d({...p,[b]:!S})}>${S?"Hide":"Details"}</button></td>
          </tr>
          ${S&&a`<tr class="detail" key=${b+"-d"} id=${"d-"+(c+$)}><td colspan="6"><${Ds} v=${v} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${K} offset=${c} size=${Wt} total=${_.length} onGo=${u} label="Pages of findings" />`}`}function Ms({rep:e}){let t=e.image?.layers||[],s=i=>{let o={};for(let l of i||[])o[l.layer]=(o[l.layer]||0)+1;return o},n=s(e.packages),r=s(e.vulnerabilities);return t.length?a`<ol class="layers">
    ${t.map((i,o)=>a`<li key=${i.digest} class="card">
        <div class="layer-head"><strong>Layer ${o+1}</strong> <span class="mono small">${M(i.digest)}</span>
          <span class="muted small">${Ot(i.size)}</span></div>
        <pre class="created-by-full">${i.created_by||"(no history entry)"}</pre>
        <p class="small">${n[i.digest]||0} packages introduced · ${r[i.digest]||0} findings</p>
      </li>`)}
  </ol>`:a`<p class="empty">This report lists no layers.</p>`}var Us=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Qe({rep:e,name:t}){let[s,n]=x(""),[r,i]=x(200),o=e.packages||[],l=s.trim().toLowerCase(),m=o.filter(f=>!l||(f.name+" "+f.version+" "+f.type).toLowerCase().includes(l));return a`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${f=>f.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${f=>n(f.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${m.length} of ${o.length} packages</p>
      <${L} name=${t+"-packages"} columns=${Us} rows=${()=>m} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${m.slice(0,r).map((f,c)=>a`<tr key=${c}>
            <th scope="row">${f.name}</th><td class="mono small">${f.version}</td><td>${f.type}</td>
            <td class="hide-sm small mono">${f.path}</td><td class="hide-sm small mono">${M(f.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${m.length>r&&a`<button type="button" onClick=${()=>i(r+500)}>Show more (${m.length-r} left)</button>`}`}function qt({digest:e,query:t}){let{data:s,error:n}=I(()=>w("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=I(()=>w("/api/v1/console/images"+U({q:e,limit:20,sort:"reference"})).then(y=>y.items.filter(k=>k.digest===e)),[e]),[i,o]=x(t.tab||"findings"),[l,m]=x(null),f=de(()=>{let y={},k={};for(let v of s?.vulnerabilities||[]){let $=(v.severity||"UNKNOWN").toUpperCase();y[$]=(y[$]||0)+1,v.fixed_version&&(k[$]=(k[$]||0)+1)}return{c:y,f:k}},[s]);if(n)return a`<h1>Image</h1><${C} error=${n} />`;let c=(r||[]).flatMap(y=>(y.tags&&y.tags.length?y.tags:[y.tag]).map(k=>y.registry+"/"+y.repository+":"+k)),u=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,p=(r&&r.length?r[0].repository+"-"+r[0].tag:M(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return a`<h1>Image</h1><${T} />`;let d=s.image||{},g=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",_=(s.coverage||[]).filter(y=>!y.covered),h=y=>{let k=te.findIndex(([$])=>$===i),v=-1;y.key==="ArrowRight"&&(v=(k+1)%te.length),y.key==="ArrowLeft"&&(v=(k+te.length-1)%te.length),v>=0&&(y.preventDefault(),o(te[v][0]),document.getElementById("tab-"+te[v][0]).focus())};return a`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${u}</h1>
    ${c.length>0&&a`<p class="muted small" id="image-tags">${c.join(", ")}</p>`}
    <p class="mono small break">${d.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${g}</dd></div>
      ${d.platform&&a`<div><dt>Platform</dt><dd>${d.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${N(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&a`<div><dt>Database</dt><dd><span class="mono small">${M(s.db.digest)}</span><div class="small muted">built ${N(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${_.length>0&&a`<p class="warn" role="note">Not covered by the database: ${_.map(y=>y.ecosystem+" ("+y.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${Ps.map(([y,k])=>a`<button type="button" class="small" onClick=${()=>{m(null),Ce(`/api/v1/images/${encodeURIComponent(e)}/report?format=${y}`,"report."+y).catch(m)}}>${k}</button>`)}
    </div>
    <${C} error=${l} />
    <${J} counts=${f.c} fixable=${f.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${h}>
      ${te.map(([y,k])=>a`<button type="button" role="tab" id=${"tab-"+y} aria-controls=${"panel-"+y}
          aria-selected=${i===y?"true":"false"} tabindex=${i===y?0:-1} onClick=${()=>o(y)}>${k}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+i} aria-labelledby=${"tab-"+i} class="panel">
      ${i==="findings"&&a`<${Ze} rep=${s} name=${p} />`}
      ${i==="layers"&&a`<${Ms} rep=${s} />`}
      ${i==="packages"&&a`<${Qe} rep=${s} name=${p} />`}
    </section>`}var Gt=50;function js({id:e,role:t}){let{data:s,error:n}=I(()=>w("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[r,i]=x(0);return n?a`<h1 class="break">${e}</h1>
      ${n.status===404?a`<p class="empty">No scanned image has ${e}.</p>`:a`<${C} error=${n} />`}`:s?a`
    <h1 class="break">${s.id} <span class=${B(s.severity)}>${s.severity}</span><${Je} kev=${s.kev} /><${ze} epss=${s.epss} /></h1>
    ${s.title&&a`<p class="vuln-title"><strong>${s.title}</strong></p>`}
    ${s.aliases.length>0&&a`<p>Also known as ${s.aliases.join(", ")}</p>`}
    ${s.description&&a`<p class="description">${s.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${s.severity}${s.severity_source?" (from "+s.severity_source+")":""}</dd></div>
      ${s.cvss&&s.cvss.length>0&&a`<div class="wide-fact"><dt>CVSS</dt><dd><${Ye} cvss=${s.cvss} /></dd></div>`}
      ${s.kev&&a`<div><dt>Known exploited</dt><dd>CISA KEV since ${s.kev.date_added}${s.kev.due_date?", due "+s.kev.due_date:""}</dd></div>`}
      ${s.epss&&a`<div><dt>EPSS</dt><dd>${(s.epss.score*100).toFixed(2)}% (percentile ${Math.round(s.epss.percentile*100)})</dd></div>`}
    </dl>
    ${s.references.length>0&&a`<details open=${s.references.length<=5}><summary>References (${s.references.length})</summary><${Xe} refs=${s.references} /></details>`}
    <p class="downloads">
      <a href=${E(["workloads"],{cve:s.id})}>Running workloads carrying ${s.id}</a>
      ${t==="admin"&&a` · <a href=${E(["exceptions"],{new:s.id})} data-testid="except-link">Add an exception for ${s.id}…</a>`}
    </p>
    <div class="list-tools">
      <h2>${s.images.length} affected image${s.images.length===1?"":"s"}</h2>
      <${L} name=${s.id+"-images"} columns=${Vs} rows=${()=>s.images.flatMap(o=>o.findings.map(l=>({im:o,f:l})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${s.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${s.images.slice(r,r+Gt).map(o=>o.findings.map((l,m)=>a`<tr key=${o.digest+m}>
              ${m===0&&a`<th scope="row" rowspan=${o.findings.length}>
                <a href=${E(["image",o.digest])}>${o.repository}:${o.tag}</a>
                ${(o.tags||[]).filter(f=>f!==o.tag).length>0&&a`<div class="small">also ${(o.tags||[]).filter(f=>f!==o.tag).map(f=>":"+f).join(", ")}</div>`}
                <div class="small muted mono">${o.registry} · ${M(o.digest)}</div>
              </th>`}
              <td>${l.package}</td>
              <td class="mono small">${l.installed_version} → ${l.fixed_version?a`<strong>${l.fixed_version}</strong>`:a`<span class="nofix">no fix</span>`}</td>
              ${m===0&&a`<td class="hide-sm" rowspan=${o.findings.length}>${P(o.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${K} offset=${r} size=${Gt} total=${s.images.length} onGo=${i} label="Pages of affected images" />`:a`<h1 class="break">${e}</h1><${T} />`}var Vs=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],Fs=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Kt({id:e,query:t,role:s}){let[n,r]=ee(t.q||e||""),i=t.q||"",{data:o,error:l}=I(()=>e?Promise.resolve(null):w("/api/v1/vulnerabilities"+U({q:i,limit:100})),[i,e]);async function m(f){f.preventDefault();let c=n.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(c))try{let p=(await w("/api/v1/vulnerabilities"+U({q:c,limit:5}))).find(d=>d.id.toLowerCase()===c.toLowerCase());if(p)return F(["vulnerabilities",p.id])}catch{}F(["vulnerabilities"],{q:c})}return a`
    ${e?a`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:a`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${m}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${n} onInput=${f=>r(f.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?a`<${js} key=${e} id=${e} role=${s} />`:a`
        <${C} error=${l} />
        ${!o&&!l&&a`<${T} />`}
        ${o&&o.length===0&&a`<p class="empty">${i?"No scanned image has a vulnerability matching \u201C"+i+"\u201D.":"No findings stored yet."}</p>`}
        ${o&&o.length>0&&a`<div class="list-tools"><h2>${i?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${L} name="vulnerabilities" columns=${Fs} rows=${()=>w("/api/v1/vulnerabilities"+U({q:i,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${o.map(f=>a`<tr key=${f.id}><th scope="row"><a href=${E(["vulnerabilities",f.id])}>${f.id}</a></th>
              <td><span class=${B(f.severity)}>${f.severity}</span></td><td class="num">${f.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Bs=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function Hs(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Ws({cfg:e,onSaved:t}){let[s,n]=x({...e}),[r,i]=x(null);async function o(l){l.preventDefault(),i(null);try{await w("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(m){i(m)}}return a`<form class="inline-form" onSubmit=${o} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${s.strategy} onChange=${l=>n({...s,strategy:l.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${s.minScannerPods} onInput=${l=>n({...s,minScannerPods:l.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${s.maxScannerPods} onInput=${l=>n({...s,maxScannerPods:l.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${C} error=${r} />
  </form>`}function Jt({role:e}){let t=I(()=>w("/api/v1/scanners"),[],3e3),s=I(()=>w("/api/v1/queue/history"),[],5e3),n=I(()=>w("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((l,m)=>(l.state==="active"?0:1)-(m.state==="active"?0:1)),i=s.data?.samples||[],o=i[i.length-1];return a`
    <div class="page-head"><h1>Scanners</h1></div>
    ${o&&a`<ul class="stats" aria-label="Queue now">
      <li><strong>${o.queued}</strong> waiting</li><li><strong>${o.leased}</strong> scanning</li>
      <li><strong>${o.done}</strong> done</li><li><strong>${o.failed}</strong> failed</li>
      <li><strong>${o.scanners}</strong> active scanners</li>
    </ul>`}
    <${C} error=${s.error} />
    <${Ie} samples=${i} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&a`<${L} name="scanners" columns=${Bs} rows=${()=>r} />`}</div>
    <${C} error=${t.error} />
    ${!t.data&&!t.error&&a`<${T} />`}
    ${t.data&&r.length===0&&a`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&a`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(l=>a`<tr key=${l.id}>
          <th scope="row">${l.name||l.id}<div class="small muted mono">${l.id} · v${l.version} · ×${l.concurrency}</div></th>
          <td><span class=${"state-badge "+l.state}>${l.state}</span></td>
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(m=>a`<div class="break">${m}</div>`):a`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${Hs(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?M(l.db_digest):a`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${N(l.last_seen)}>${P(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${C} error=${n.error} />
    ${n.data&&(n.data.enabled?a`<p>Strategy <strong>${n.data.config.strategy}</strong>, ${n.data.config.minScannerPods}–${n.data.config.maxScannerPods} scanners${n.data.replicas!==void 0?a`, <strong>${n.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&a`<${Ws} key=${JSON.stringify(n.data.config)} cfg=${n.data.config} onSaved=${n.reload} />`}
        <h3>Events</h3>
        ${n.data.events.length===0?a`<p class="empty">No scaling events yet.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${n.data.events.slice().reverse().map((l,m)=>a`<tr key=${m}><td title=${N(l.time)}>${P(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:a`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var qs=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>zt(e.criteria)],["comment",e=>e.comment]],Gs=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function et(e){try{return{value:await w(e)}}catch(t){if(t instanceof ne&&t.status===404)return{absent:!0};throw t}}function zt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let n=t.replace(/_/g," ");return s===!0?n:Array.isArray(s)?n+": "+s.join(", "):typeof s=="object"?n+": "+Object.entries(s).map(([r,i])=>r+"="+i).join(", "):n+": "+s}).join("; ")}function Ks(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Yt(){return a`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Xt(){let e=I(()=>et("/api/v1/admission/settings"),[],0),t=I(()=>et("/api/v1/admission/rules"),[],0),s=I(()=>et("/api/v1/admission/decisions?limit=50"),[],5e3),n=t.data?.absent&&s.data?.absent,r=t.data?.value||[],i=s.data?.value||[],o=e.data?.value;return a`
    <div class="page-head"><h1>Admission</h1></div>
    ${n&&a`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!n&&a`
      ${o&&a`<p>Mode <strong>${o.mode}</strong> (${o.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${o.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${r.length>0&&a`<${L} name="admission-rules" columns=${qs} rows=${()=>r} />`}</div>
      <${C} error=${t.error} />
      ${!t.data&&!t.error&&a`<${T} />`}
      ${t.data&&(r.length===0?a`<p class="empty">No admission rules: every image is allowed${o&&o.no_result==="deny"?", except those without a scan result":""}.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(l=>a`<tr key=${l.name} class=${l.disabled?"disabled":""}>
              <th scope="row">${l.name}${l.disabled&&a` <span class="muted small">(disabled)</span>`}
                ${l.comment&&a`<div class="small muted">${l.comment}</div>`}</th>
              <td><span class=${l.action==="deny"?"result deny":"result allow"}>${l.action}</span></td>
              <td class="small">${zt(l.criteria)}</td>
              <td class="hide-sm">${l.mode||(o?o.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${i.length>0&&a`<${L} name="admission-decisions" columns=${Gs}
          rows=${async()=>(await w("/api/v1/admission/decisions?limit=1000")).flatMap(m=>(m.images||[]).length?m.images.map(f=>({d:m,im:f})):[{d:m}])} />`}</div>
      <${C} error=${s.error} />
      ${!s.data&&!s.error&&a`<${T} />`}
      ${s.data&&(i.length===0?a`<p class="empty">No decisions yet.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${i.map(l=>a`<tr key=${l.id}>
              <td title=${N(l.at)}>${P(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${Ks(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(m=>a`<div class="break"><span class="mono">${m.image}</span>: ${m.verdict?.action||"?"}${m.verdict?.rule?" by "+m.verdict.rule:""}
                  ${m.verdict?.reason&&a`<span class="muted"> — ${m.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var he=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Js=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],zs=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],Ys=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>he(e.fixable)]];function Zt(){let{data:e,error:t}=I(()=>w("/api/v1/console/overview"),[],15e3);if(t&&!e)return a`<div class="page-head"><h1>Overview</h1></div><${C} error=${t} />`;if(!e)return a`<div class="page-head"><h1>Overview</h1></div><${T} />`;let s=he(e.severities),n=he(e.fixable),r=e.days.map(o=>({time:o.day+"T12:00:00Z",scans:o.scans,not_covered:o.not_covered,...Object.fromEntries(O.map(l=>[l,(o.severities||{})[l]||0]))})),i=o=>new Date(o).toLocaleDateString([],{month:"short",day:"numeric"});return a`
    <div class="page-head"><h1>Overview</h1></div>
    <${C} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${n} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${E(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&a`<li class="tile"><a href=${E(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${J} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${Bt} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${Ie} samples=${r} title="Findings by severity, per day" timeFmt=${i}
      series=${O.filter(o=>r.some(l=>l[o]>0)).map(o=>({key:o,label:o.toLowerCase(),color:ue(o)}))} />
    ${r.length<2&&a`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${L} name="fixable-findings" columns=${zs} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?a`<p class="empty">No finding with a fixed version.</p>`:a`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(o=>a`<tr key=${o.id}><th scope="row"><a href=${E(["vulnerabilities",o.id])}>${o.id}</a></th>
          <td><span class=${B(o.severity)}>${o.severity}</span></td><td class="num">${o.images}</td><td>${o.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${L} name="not-covered-images" columns=${Js} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?a`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:a`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(o=>a`<tr key=${o.registry+o.repository+o.digest}><th scope="row"><a href=${E(["image",o.digest])}>${o.repository}:${o.tag}</a>
          <div class="small muted mono">${o.registry} · ${M(o.digest)}</div></th>
          <td><span class="nc-badge">${o.not_covered.join(", ")}</span></td><td class="num">${o.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${L} name="daily-totals" columns=${Ys} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(o=>a`<tr key=${o.day}><th scope="row">${o.day}</th><td class="num">${o.scans}</td><td class="num">${o.images}</td>
          <td class="num">${o.not_covered}</td><td class="num">${he(o.severities)}</td><td class="num hide-sm">${he(o.fixable)}</td></tr>`)}</tbody></table></div>`}var Xs=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function Qt(){let{data:e,error:t}=I(()=>w("/api/v1/console/hosts"),[],15e3);return a`
    <div class="page-head"><h1>Hosts</h1></div>
    <${C} error=${t} />
    ${!e&&!t&&a`<${T} />`}
    ${e&&(e.length===0?a`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:a`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?a`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${L} name="hosts" columns=${Xs} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>a`<tr key=${s.name}>
            <th scope="row"><a href=${E(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&a`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||a`<span class="muted">unknown</span>`}${s.kernel&&a`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${fe} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${P(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Zs=[["findings","Findings"],["packages","Packages"]];function es({name:e}){let{data:t,error:s}=I(()=>w("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[n,r]=x("findings"),i=a`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return a`${i}<h1 class="break">${e}</h1><${C} error=${s} />`;if(!t)return a`${i}<h1 class="break">${e}</h1><${T} />`;let o=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",m=(t.coverage||[]).filter(p=>!p.covered),f={},c={};for(let p of t.vulnerabilities||[]){let d=(p.severity||"UNKNOWN").toUpperCase();f[d]=(f[d]||0)+1,p.fixed_version&&(c[d]=(c[d]||0)+1)}let u=e.replace(/[^A-Za-z0-9._-]+/g,"_");return a`
    ${i}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${o.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${l}</dd></div>
      ${o.kernel&&a`<div><dt>Kernel</dt><dd>${o.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${o.root}</dd></div>
      <div><dt>Scanned</dt><dd>${N(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&a`<div><dt>Database</dt><dd><span class="mono small">${M(t.db.digest)}</span></dd></div>`}
    </dl>
    ${m.length>0&&a`<p class="warn" role="note">Not covered by the database: ${m.map(p=>p.ecosystem+" ("+p.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&a`<p class="note"><${Ee} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>Ge(u+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${J} counts=${f} fixable=${c} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Zs.map(([p,d])=>a`<button type="button" role="tab" id=${"tab-"+p} aria-controls=${"panel-"+p}
          aria-selected=${n===p?"true":"false"} tabindex=${n===p?0:-1} onClick=${()=>r(p)}>${d}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+n} aria-labelledby=${"tab-"+n} class="panel">
      ${n==="findings"&&a`<${Ze} rep=${t} name=${u} />`}
      ${n==="packages"&&a`<${Qe} rep=${t} name=${u} />`}
    </section>`}var ts=50,oe=[["registries","Registries (name or host)","local, *.example.com"],["repositories","Repositories","team/*"],["images","Images (registry/repository:tag)","local/team/app:v1*"],["tags","Tags","v1.*"],["digests","Digests (exact)","sha256:\u2026"],["packages","Packages (or source package)","openssl"],["namespaces","Namespaces (admission only)","dev-*"]];function tt(e){let t=oe.filter(([s])=>(e[s]||[]).length>0).map(([s])=>s+" "+e[s].join(", "));return t.length?t.join("; "):"everywhere"}var Qs=[["id",e=>e.id],["vulnerability",e=>e.vulnerability],...oe.map(([e])=>[e,t=>t[e]||[]]),["reason",e=>e.reason],["author",e=>e.author],["created",e=>e.created],["expires",e=>e.expires||""],["state",e=>e.expired?"expired":"active"]];function ea(e){return Math.max(1,Math.ceil((new Date(e).getTime()-Date.now())/864e5))}function ta({vulnerability:e="",initial:t,onDone:s,onCancel:n}){let r=!!t,[i,o]=x(r?{vulnerability:t.vulnerability,reason:t.reason,days:t.expires&&!t.expired?String(ea(t.expires)):"",...Object.fromEntries(oe.map(([_])=>[_,(t[_]||[]).join(", ")]))}:{vulnerability:e,reason:"",days:"30",...Object.fromEntries(oe.map(([_])=>[_,""]))}),[l,m]=x(!1),[f,c]=x(null),[u,p]=x(!1),d=_=>h=>{_==="days"&&m(!0),o({...i,[_]:h.currentTarget.value})};async function g(_){_.preventDefault(),p(!0),c(null);let h={vulnerability:i.vulnerability.trim(),reason:i.reason.trim()};for(let[y]of oe){let k=Mt(i[y]);k.length&&(h[y]=k)}r&&!l&&t.expires&&!t.expired?h.expires=t.expires:i.days.trim()&&(h.days=Number(i.days));try{s(r?await w("/api/v1/exceptions/"+encodeURIComponent(t.id),{method:"PUT",body:h}):await w("/api/v1/exceptions",{method:"POST",body:h}))}catch(y){c(y),p(!1)}}return a`<form class="card form" onSubmit=${g} aria-labelledby="excform-title" data-testid="exception-form">
    <h2 id="excform-title">${r?"Edit exception "+t.id:"Add an exception"}</h2>
    <div class="grid">
      <div class="field">
        <label for="exc-vuln">Vulnerability (CVE, GHSA, … or an alias)</label>
        <input id="exc-vuln" required placeholder="CVE-2024-9143" value=${i.vulnerability} onInput=${d("vulnerability")} />
      </div>
      <div class="field">
        <label for="exc-days">Expires in (days; empty: never)</label>
        <input id="exc-days" type="number" min="1" max="3650" value=${i.days} onInput=${d("days")} aria-describedby=${r?"exc-days-hint":void 0} />
        ${r&&a`<small id="exc-days-hint">${t.expires?(t.expired?"Expired ":"Now expires ")+N(t.expires)+(t.expired?": give days to renew it.":"; unchanged unless you change the days."):"Now never expires."}</small>`}
      </div>
      ${oe.map(([_,h,y])=>a`<div class="field">
          <label for=${"exc-"+_}>${h}</label>
          <input id=${"exc-"+_} placeholder=${y} value=${i[_]} onInput=${d(_)} aria-describedby="exc-scope-hint" />
        </div>`)}
      <div class="field wide">
        <label for="exc-reason">Reason (required: why this finding may be ignored)</label>
        <textarea id="exc-reason" rows="2" required value=${i.reason} onInput=${d("reason")}></textarea>
      </div>
    </div>
    <p id="exc-scope-hint" class="hint">Several values: separate them with commas. Within a field any value may match, across fields all must; <code>*</code> stops at <code>/</code>, <code>**</code> alone matches anything. No scope at all: the exception applies everywhere.
      The author is your token.</p>
    <${C} error=${f} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${u}>${u?"Saving\u2026":r?"Save":"Add exception"}</button>
      <button type="button" onClick=${n}>Cancel</button>
    </div>
  </form>`}function sa({admin:e,onImported:t}){let[s,n]=x(!1),[r,i]=x(null);async function o(l){let m=l.currentTarget.files[0];if(l.currentTarget.value="",!!m){n(!0),i(null);try{let f;try{f=JSON.parse(await m.text())}catch(c){throw new Error(`${m.name} is not JSON: ${c.message}`)}t(m.name,await w("/api/v1/vex",{method:"POST",body:f}))}catch(f){i(f)}n(!1)}}return a`<span class="downloads">
    <button type="button" class="small" onClick=${()=>Ce("/api/v1/vex","exceptions.openvex.json").catch(i)}>Export OpenVEX</button>
    ${e&&a`<input id="vex-file" class="sr-only" type="file" accept=".json,application/json" disabled=${s} onChange=${o} />
      <label class="file-button small" for="vex-file">${s?"Importing\u2026":"Import OpenVEX\u2026"}</label>`}
    ${r&&a`<span class="error" role="alert">${r.message}</span>`}
  </span>`}function aa({x:e}){return e.expired?a`<span class="state-badge gone">Expired</span>`:a`<span class="state-badge active">Active</span>`}function ss({role:e,query:t}){let s=e==="admin",n=t.state||"",{data:r,error:i,reload:o}=I(()=>w("/api/v1/exceptions"),[],3e4),[l,m]=x(!!t.new),[f,c]=x(""),[u,p]=x(null),[d,g]=x(0),_=r||[],h=_.filter(b=>n==="active"?!b.expired:n==="expired"?b.expired:!0),y=_.filter(b=>b.expired).length;function k(b,S){c(`Exception ${b.exception.id} ${S}; ${b.reevaluated} stored result${b.reevaluated===1?"":"s"} re-evaluated.`+(b.reevaluate_error?" The rest is left to the lead controller: "+b.reevaluate_error:"")),o()}async function v(b){p(null);try{k(await w("/api/v1/exceptions/"+encodeURIComponent(b.id)+"/expire",{method:"POST"}),"expired now")}catch(S){p(S)}}async function $(b){p(null);try{k(await w("/api/v1/exceptions/"+encodeURIComponent(b.id),{method:"DELETE"}),"deleted")}catch(S){p(S)}}return a`
    <div class="page-head">
      <h1>Exceptions</h1>
      ${s&&!l&&a`<button type="button" class="primary" onClick=${()=>m(!0)}>Add exception</button>`}
    </div>
    <p class="hint">An exception stops a vulnerability from counting in the images it scopes: image counts, CVE search,
      admission, exports. Changes are in the ${s?a`<a href=${E(["audit"])}>audit log</a>`:"audit log (admins)"}.</p>
    ${s&&l&&a`<${ta} key=${l===!0?"new":l.id} vulnerability=${t.new||""} initial=${l===!0?null:l}
      onCancel=${()=>m(!1)} onDone=${b=>{let S=l===!0?"created":"saved";m(!1),k(b,S)}} />`}
    <p role="status" aria-live="polite" class=${f?"notice":"sr-only"} data-testid="exc-msg">${f}</p>
    <${C} error=${u||i} />
    ${!r&&!i&&a`<${T} />`}
    ${r&&a`<form class="filters" aria-label="Filter exceptions" onSubmit=${b=>b.preventDefault()}>
        <div class="field">
          <label for="exc-state">State</label>
          <select id="exc-state" value=${n} onChange=${b=>{g(0),location.hash=E(["exceptions"],{state:b.currentTarget.value})}}>
            <option value="">All</option><option value="active">Active</option><option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <div class="list-tools">
        <p data-testid="exc-count"><strong>${_.length}</strong> exception${_.length===1?"":"s"}, ${_.length-y} active, ${y} expired${n?a`; <strong>${h.length}</strong> shown`:""}</p>
        <span class="downloads">
          <${sa} admin=${s} onImported=${(b,S)=>{c(`${b}: ${S.exceptions.length} exception${S.exceptions.length===1?"":"s"} imported, ${S.skipped.length} statement${S.skipped.length===1?"":"s"} skipped`+(S.skipped.length?" ("+S.skipped.map(z=>"#"+z.statement+": "+z.reason).join("; ")+")":"")+`; ${S.reevaluated} stored result${S.reevaluated===1?"":"s"} re-evaluated.`+(S.reevaluate_error?" The rest is left to the lead controller: "+S.reevaluate_error:"")),o()}} />
          ${h.length>0&&a`<${L} name="exceptions" columns=${Qs} rows=${()=>h} />`}
        </span>
      </div>
      ${h.length===0?a`<p class="empty">No ${n||""} exceptions.${s&&!n?" Add one to stop a finding from counting, with a reason and an expiry.":""}</p>`:a`<div class="table-wrap"><table class="data exceptions">
          <caption class="sr-only">Exceptions</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col" class="hide-sm">Author</th>
            <th scope="col" class="hide-sm">Created</th><th scope="col">Expires</th><th scope="col">State</th>
            ${s&&a`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
          <tbody>${h.slice(d,d+ts).map(b=>a`<tr key=${b.id} data-exception=${b.id} class=${b.expired?"disabled":""}>
              <th scope="row"><a href=${E(["vulnerabilities",b.vulnerability])}>${b.vulnerability}</a><div class="small muted mono">${b.id}</div></th>
              <td class="small scope">${tt(b)}</td>
              <td class="small reason">${b.reason}<div class="show-sm muted">by ${b.author}</div></td>
              <td class="small mono hide-sm">${b.author}</td>
              <td class="hide-sm small" title=${N(b.created)}>${P(b.created)}</td>
              <td class="small">${b.expires?N(b.expires):a`<span class="muted">never</span>`}</td>
              <td><${aa} x=${b} /></td>
              ${s&&a`<td class="actions-cell"><button type="button" class="small" aria-label=${"Edit exception "+b.id}
                onClick=${()=>{m(b),scrollTo(0,0)}}>Edit</button>${!b.expired&&a`<button type="button" class="small" aria-label=${"Expire exception "+b.id+" now"}
                  onClick=${()=>confirm(`End exception ${b.id} (${b.vulnerability}) now? Its findings count again at once; it stays listed as expired.`)&&v(b)}>Expire now</button>`}<button type="button" class="small danger" aria-label=${"Delete exception "+b.id}
                onClick=${()=>confirm(`Delete exception ${b.id} (${b.vulnerability})? Its findings count again.`)&&$(b)}>Delete</button></td>`}
            </tr>`)}</tbody></table></div>
          <${K} offset=${d} size=${ts} total=${h.length} onGo=${g} label="Pages of exceptions" />`}`}`}var st=50;function na(e){let t=e.after||e.before;return!t||typeof t!="object"?"":e.kind==="exception"?`${t.vulnerability} (${tt(t)})${t.expires?", expires "+N(t.expires):""} \u2014 ${t.reason}`:e.kind==="subscription"?`${t.name||t.id}: ${t.format||"json"} to ${t.url||"?"}${t.min_severity?", "+t.min_severity+" and above":""}${t.events&&t.events.length?", events "+t.events.join(", "):""}`:e.kind==="token"?`${t.name} (${t.role})${t.expires_at?", expires "+N(t.expires_at):""}${t.revoked?", revoked by "+(t.revoked_by||"?"):""}`:""}function as(){return a`<div class="page-head"><h1>Audit log</h1></div>
    <p class="empty" data-testid="audit-admin-only">The audit log is shown to admin tokens only: it names every API token and what each changed.</p>`}function ns({query:e}){let t=e.kind||"",s=e.actor||"",n=Number(e.before)||0,{data:r,error:i,loading:o}=I(()=>w("/api/v1/audit"+U({kind:t,actor:s,before:n||"",limit:st+1})),[t,s,n],15e3),[l,m]=x(null),f=(r||[]).slice(0,st),c=(r||[]).length>st,u=p=>F(["audit"],{kind:t,actor:s,...p});return a`
    <div class="page-head"><h1>Audit log</h1></div>
    <p class="hint">Every change to exceptions, subscriptions and API tokens: who made it (the API token), when, and the object before and after.</p>
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit=${p=>{p.preventDefault(),u({actor:p.currentTarget.elements["audit-actor"].value.trim(),before:""})}}>
      <div class="field">
        <label for="audit-kind">Kind</label>
        <select id="audit-kind" value=${t} onChange=${p=>u({kind:p.currentTarget.value,before:""})}>
          <option value="">All</option><option value="exception">Exceptions</option><option value="subscription">Subscriptions</option><option value="token">Tokens</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" name="audit-actor" placeholder="exact author" value=${s} />
      </div>
      <button type="submit">Filter</button>
    </form>
    <${C} error=${i} />
    ${!r&&!i&&a`<${T} />`}
    ${r&&a`<p role="status" data-testid="audit-count">${f.length===0?n?"No older entries.":"No changes recorded yet.":`${n?"Older entries":"The newest entries"}: ${f.length} shown${c?", older ones on the next page":", no older ones"}`}${o?" (refreshing\u2026)":""}</p>
    ${f.length>0&&a`<div class="table-wrap"><table class="data audit">
      <caption class="sr-only">Audit log, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">What</th>
        <th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>${f.map(p=>a`<tr key=${p.id} data-audit=${p.id}>
            <td title=${N(p.at)}>${P(p.at)}<div class="small muted hide-sm">${N(p.at)}</div></td>
            <td class="mono small">${p.actor}</td>
            <th scope="row">${p.action} ${p.kind} <span class="mono small">${p.object}</span></th>
            <td class="small what">${na(p)}</td>
            <td><button type="button" class="small" aria-expanded=${l===p.id?"true":"false"}
              aria-label=${(l===p.id?"Hide":"Show")+" before and after of entry "+p.id}
              onClick=${()=>m(l===p.id?null:p.id)}>${l===p.id?"Hide":"Details"}</button></td>
          </tr>
          ${l===p.id&&a`<tr class="detail"><td colspan="5"><div class="two-col">
            <div><h3>Before</h3><pre class="created-by-full">${p.before?JSON.stringify(p.before,null,2):"(none: created)"}</pre></div>
            <div><h3>After</h3><pre class="created-by-full">${p.after?JSON.stringify(p.after,null,2):"(none: deleted)"}</pre></div>
          </div></td></tr>`}`)}</tbody></table></div>`}
    <nav class="pager" aria-label="Pages of the audit log">
      <button type="button" disabled=${!n} onClick=${()=>u({before:""})}>Newest</button>
      <button type="button" disabled=${!c} onClick=${()=>u({before:f[f.length-1].id})}>Older</button>
    </nav>`}`}var oa=[["image.findings_added","An image gains findings"],["image.findings_removed","An image loses findings"],["image.entered_kev","Findings enter CISA KEV"],["scan.failed","A scan fails for good"],["crawl.failed","A registry crawl fails"],["admission.denied","Admission denies a workload"]],ra=["","CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE"],os=20,rs=1e3;function ia({onDone:e,onCancel:t}){let[s,n]=x({url:"",name:"",format:"json",min_severity:"",events:[],secret:""}),[r,i]=x(null),[o,l]=x(!1),m=u=>p=>n({...s,[u]:p.currentTarget.value}),f=u=>p=>n({...s,events:p.currentTarget.checked?[...s.events,u]:s.events.filter(d=>d!==u)});async function c(u){u.preventDefault(),l(!0),i(null);let p={url:s.url.trim(),name:s.name.trim()||void 0,format:s.format,min_severity:s.min_severity||void 0,events:s.events.length?s.events:void 0,secret:s.secret||void 0};try{e(await w("/api/v1/subscriptions",{method:"POST",body:p}))}catch(d){i(d),l(!1)}}return a`<form class="card form" onSubmit=${c} aria-labelledby="subform-title" data-testid="subscription-form">
    <h2 id="subform-title">Add a subscription</h2>
    <div class="grid">
      <div class="field wide">
        <label for="sub-url">Webhook URL</label>
        <input id="sub-url" type="url" required placeholder="https://hooks.example/scanfleet" value=${s.url} onInput=${m("url")} autocomplete="off" />
      </div>
      <div class="field">
        <label for="sub-name">Name</label>
        <input id="sub-name" placeholder="security team" value=${s.name} onInput=${m("name")} />
      </div>
      <div class="field">
        <label for="sub-format">Format</label>
        <select id="sub-format" value=${s.format} onChange=${m("format")}>
          <option value="json">Signed JSON (HMAC)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div class="field">
        <label for="sub-min">Minimum severity</label>
        <select id="sub-min" value=${s.min_severity} onChange=${m("min_severity")}>
          ${ra.map(u=>a`<option value=${u}>${u?u[0]+u.slice(1).toLowerCase()+" and above":"Any"}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sub-secret">HMAC secret (empty: generated)</label>
        <input id="sub-secret" type="password" autocomplete="new-password" minlength="16" value=${s.secret} onInput=${m("secret")} />
      </div>
      <fieldset class="field wide events">
        <legend>Events (none ticked: all)</legend>
        ${oa.map(([u,p])=>a`<span class="check">
            <input id=${"sub-ev-"+u.replace(/\./g,"-")} type="checkbox" checked=${s.events.includes(u)} onChange=${f(u)} />
            <label for=${"sub-ev-"+u.replace(/\./g,"-")}>${p} <code>${u}</code></label></span>`)}
      </fieldset>
    </div>
    <p class="hint">The secret signs each post (<code>X-Scanfleet-Signature</code>); it is stored encrypted and never shown again.
      A generated one is shown once, after saving.</p>
    <${C} error=${r} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${o}>${o?"Saving\u2026":"Add subscription"}</button>
      <button type="button" onClick=${t}>Cancel</button>
    </div>
  </form>`}function la(e){return e==="delivered"?"state-badge active":e==="failed"?"state-badge gone":"state-badge"}function ca({sub:e}){let{data:t,error:s,loading:n}=I(()=>w(`/api/v1/subscriptions/${encodeURIComponent(e.id)}/deliveries`),[e.id],3e3),[r,i]=x(0),o=t||[];return a`<div class="deliveries" data-testid=${"deliveries-"+e.id}>
    <h3>Deliveries to ${e.name||e.id}</h3>
    <${C} error=${s} />
    ${!t&&!s&&a`<${T} />`}
    ${t&&a`<p role="status" class="small">${o.length===0?"Nothing sent yet.":`${o.length} deliver${o.length===1?"y":"ies"}, newest first`}${o.length>=rs?` (the newest ${rs}, the API's most: older ones exist)`:""}${n?" (refreshing\u2026)":""}</p>
    ${o.length>0&&a`<div class="table-wrap"><table class="data deliveries-table">
      <caption class="sr-only">Deliveries to ${e.name||e.id}</caption>
      <thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col" class="hide-sm">Delivered / next try</th></tr></thead>
      <tbody>${o.slice(r,r+os).map(l=>a`<tr key=${l.id} data-delivery=${l.id}>
          <td title=${N(l.created_at)}>${P(l.created_at)}</td>
          <th scope="row">${l.kind}<div class="small muted mono">${l.id}</div></th>
          <td><span class=${la(l.state)}>${l.state}</span></td>
          <td class="num">${l.attempts}</td>
          <td>${l.last_status||a`<span class="muted">—</span>`}</td>
          <td class="small error-text break">${l.last_error||""}</td>
          <td class="hide-sm small">${l.state==="delivered"?N(l.delivered_at):l.state==="pending"?"next "+N(l.next_at):"gave up"}</td>
        </tr>`)}</tbody></table></div>
    <${K} offset=${r} size=${os} total=${o.length} onGo=${i} label=${"Pages of deliveries to "+(e.name||e.id)} />`}`}
  </div>`}function is({role:e}){let t=e==="admin",{data:s,error:n,reload:r}=I(()=>t?w("/api/v1/subscriptions"):Promise.resolve(null),[t],15e3),[i,o]=x(!1),[l,m]=x(""),[f,c]=x(null),[u,p]=x(null),[d,g]=x(null);async function _(h,y){g(null);try{await h(),m(y),r()}catch(k){g(k)}}return t?a`
    <div class="page-head">
      <h1>Subscriptions</h1>
      ${!i&&a`<button type="button" class="primary" onClick=${()=>o(!0)}>Add subscription</button>`}
    </div>
    <p class="hint">Webhooks the controller posts to when images gain or lose findings, findings enter KEV, scans or crawls fail, or admission denies.
      Failed posts are retried with back-off (12 attempts); the delivery log shows each one.</p>
    ${i&&a`<${ia} onCancel=${()=>o(!1)} onDone=${h=>{o(!1),c(h.secret?{id:h.id,secret:h.secret}:null),m("Subscription "+h.id+" added."),r()}} />`}
    ${f&&a`<div class="warn" role="alert" data-testid="sub-secret">
      <p>The HMAC secret of <strong>${f.id}</strong>, shown this once (it is stored encrypted and never returned again); give it to the receiver to check signatures:</p>
      <p><code class="break">${f.secret}</code></p>
      <button type="button" class="small" onClick=${()=>c(null)}>I have copied it</button>
    </div>`}
    <p role="status" aria-live="polite" class=${l?"notice":"sr-only"} data-testid="sub-msg">${l}</p>
    <${C} error=${d||n} />
    ${!s&&!n&&a`<${T} />`}
    ${s&&s.length===0&&a`<p class="empty">No subscriptions yet.</p>`}
    ${s&&s.length>0&&a`<p><strong>${s.length}</strong> subscription${s.length===1?"":"s"}</p>
    <div class="table-wrap"><table class="data subscriptions">
      <caption class="sr-only">Notification subscriptions</caption>
      <thead><tr><th scope="col">Subscription</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col" class="hide-sm">Secret</th>
        <th scope="col" class="hide-sm">Author</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${s.map(h=>a`<tr key=${h.id} data-subscription=${h.id} class=${h.enabled?"":"disabled"}>
            <th scope="row">${h.name}${!h.enabled&&a` <span class="muted small">(disabled)</span>`}<div class="small muted mono">${h.id}</div></th>
            <td class="mono small break">${h.url}<div class="muted">${h.format==="slack"?"Slack":"signed JSON"}</div></td>
            <td class="small">${h.min_severity?h.min_severity+" and above":"any severity"}; ${h.events&&h.events.length?h.events.join(", "):"all events"}</td>
            <td class="hide-sm small">${h.secret_set?"set (never shown)":"none"}</td>
            <td class="hide-sm small"><span class="mono">${h.author}</span><div class="muted" title=${N(h.created)}>${P(h.created)}</div></td>
            <td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Send a test to "+h.id}
                onClick=${()=>_(async()=>{await w(`/api/v1/subscriptions/${encodeURIComponent(h.id)}/test`,{method:"POST"}),p(h.id)},"Test notification queued for "+h.id+"; its delivery appears in the log.")}>Send test</button>
              <button type="button" class="small" aria-expanded=${u===h.id?"true":"false"} aria-label=${"Delivery log of "+h.id}
                onClick=${()=>p(u===h.id?null:h.id)}>Deliveries</button>
              <button type="button" class="small danger" aria-label=${"Delete subscription "+h.id}
                onClick=${()=>confirm(`Delete subscription ${h.name}? Nothing more is sent to it.`)&&_(()=>w(`/api/v1/subscriptions/${encodeURIComponent(h.id)}`,{method:"DELETE"}),"Subscription "+h.id+" deleted.")}>Delete</button>
            </td>
          </tr>
          ${u===h.id&&a`<tr class="detail"><td colspan="6"><${ca} sub=${h} /></td></tr>`}`)}</tbody></table></div>`}`:a`<div class="page-head"><h1>Subscriptions</h1></div>
      <p class="empty" data-testid="subs-admin-only">Subscriptions are shown to admins only: a webhook URL (a Slack one above all) is itself a credential.</p>`}var da=50,pa=[["namespace",e=>e.namespace],["workload_kind",e=>e.workload_kind],["workload",e=>e.workload],["pod",e=>e.pod],["container",e=>e.container],["container_kind",e=>e.container_kind],["image",e=>e.image],["digest",e=>e.digest||""],["scanned",e=>e.scanned],["scanned_digest",e=>e.scanned_digest||""],["vulnerabilities",e=>e.vulnerabilities],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0])];function ua(e){for(let t of(e||"").split(",")){let s=/<([^>]*)>\s*;\s*rel="?next"?/.exec(t);if(s)return new URL(s[1],location.origin).searchParams.get("after")||""}return""}async function ls(e,t,s){let n=await w("/api/v1/workloads"+U({...e,limit:s,after:t}),{raw:!0});return{rows:await n.json(),next:ua(n.headers.get("Link"))}}async function ma(e){let t=[],s="";for(;;){let{rows:n,next:r}=await ls(e,s,1e3);if(t.push(...n),!r||r===s)return t;s=r}}var fa=[["","All"],["false","Not covered (never scanned)"],["true","Scanned"]];function cs({query:e}){let t={namespace:e.namespace||"",cve:(e.cve||"").trim(),scanned:e.scanned||""},s=JSON.stringify(t),[n,r]=x({key:s,trail:[],after:""}),i=n.key===s?n:{key:s,trail:[],after:""},{data:o,error:l,loading:m}=I(()=>ls(t,i.after,da),[s,i.after],15e3),[f,c]=ee(t.namespace),[u,p]=ee(t.cve),d=$=>F(["workloads"],{...t,...$}),g=o?o.rows:[],_=!!(o&&o.next),h=i.trail.length+1,y=_||h>1,k=t.namespace||t.cve||t.scanned,v=g.filter($=>!$.scanned).length;return a`
    <div class="page-head"><h1>Workloads</h1></div>
    <p class="hint">Containers running in the cluster (recorded with <code>--watch-pods</code>), resolved to their stored scans as admission resolves them.
      Exceptions apply to the findings shown.</p>
    <form class="filters" role="search" aria-label="Filter workloads" onSubmit=${$=>{$.preventDefault(),d({namespace:f.trim(),cve:u.trim()})}}>
      <div class="field">
        <label for="wl-ns">Namespace</label>
        <input id="wl-ns" placeholder="all" value=${f} onInput=${$=>c($.currentTarget.value)} />
      </div>
      <div class="field grow">
        <label for="wl-cve">Carrying vulnerability</label>
        <input id="wl-cve" type="search" placeholder="CVE-2024-9143" value=${u} onInput=${$=>p($.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="wl-scanned">Coverage</label>
        <select id="wl-scanned" value=${t.scanned} onChange=${$=>d({namespace:f.trim(),cve:u.trim(),scanned:$.currentTarget.value})}>
          ${fa.map(([$,b])=>a`<option value=${$}>${b}</option>`)}
        </select>
      </div>
      <button type="submit">Search</button>
    </form>
    <${C} error=${l} />
    ${!o&&!l&&a`<${T} />`}
    ${o&&a`<div class="list-tools">
        <p role="status" aria-live="polite" data-testid="wl-count"><strong>${g.length}</strong> running container${g.length===1?"":"s"}${t.cve?a` carrying <a href=${E(["vulnerabilities",t.cve])}>${t.cve}</a>`:""}${t.namespace?" in "+t.namespace:""}${y?" on page "+h:""}${!t.scanned&&v>0?a`, <a href=${E(["workloads"],{...t,scanned:"false"})}><strong>${v}</strong> not covered</a> (never scanned)`:""}${_?a`; <strong>more on the next page</strong>`:""}${m?" (refreshing\u2026)":""}</p>
        ${(g.length>0||_)&&a`<${L} name="workloads" columns=${pa} rows=${()=>ma(t)} />`}
      </div>
      ${g.length===0?a`<p class="empty">${_?"None on this page: the filters left out every container of it. Go on to the next page.":k||h>1?"No running container matches.":"No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."}</p>`:a`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col" class="hide-sm">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${g.map($=>a`<tr key=${$.pod_uid+"/"+$.container} data-workload=${$.namespace+"/"+$.workload}>
              <th scope="row">${$.namespace}/${$.workload}<div class="small muted">${$.workload_kind} · pod ${$.pod}<span class="show-sm"> · ${$.container}</span></div></th>
              <td class="hide-sm">${$.container}${$.container_kind&&$.container_kind!=="container"?a` <span class="small muted">(${$.container_kind})</span>`:""}</td>
              <td class="small break"><span class="mono">${$.image}</span>
                <div class="muted mono" title=${$.digest||""}>${$.digest?M($.digest):"digest not reported"}</div></td>
              <td>${$.scanned?a`<a href=${E(["image",$.scanned_digest])}>scanned</a><div class="small muted" title=${N($.scanned_at)}>${P($.scanned_at)}</div>`:a`<span class="nc-badge" data-testid="not-scanned">Not covered: never scanned</span>`}</td>
              <td>${$.scanned?a`<${fe} sev=${$.severities||{}} /> <span class="small muted">(${$.vulnerabilities})</span>`:a`<span class="muted">unknown</span>`}</td>
            </tr>`)}</tbody></table></div>`}
      ${y&&a`<nav class="pager" aria-label="Pages of workloads">
        <button type="button" disabled=${h===1} onClick=${()=>r({key:s,trail:i.trail.slice(0,-1),after:i.trail[i.trail.length-1]||""})}>Previous</button>
        <span>Page ${h}</span>
        <button type="button" disabled=${!_||m} onClick=${()=>r({key:s,trail:[...i.trail,i.after],after:o.next})}>Next</button>
      </nav>`}`}`}var ha=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"workloads",label:"Workloads"},{key:"exceptions",label:"Exceptions"},{key:"audit",label:"Audit log",role:"admin"},{key:"subscriptions",label:"Subscriptions",role:"admin"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function ga(){let[e,t]=x(qe());return G(()=>{let s=()=>t(qe());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function $a({onLogin:e}){let[t,s]=x(""),[n,r]=x(""),[i,o]=x(!1);async function l(m){m.preventDefault(),o(!0),r("");let f=t.trim();try{let c=await w("/api/v1/whoami",{token:f});e(c),Se(f)}catch(c){r(c.status===401?"This token is not valid.":c.message),o(!1)}}return a`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${m=>s(m.currentTarget.value)} autofocus />
      ${n&&a`<p class="error" role="alert">${n}</p>`}
      <button type="submit" class="primary" disabled=${i}>${i?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function va({role:e,who:t,route:s,onLogout:n}){let r=s.parts[0]||"images",i=ae(null),o=ae(!0);Et(()=>{if(o.current){o.current=!1;return}let c=i.current;c&&!c.contains(document.activeElement)&&c.focus()},[r,s.parts[1]]);let l;switch(r){case"registries":l=a`<${jt} role=${e} />`;break;case"image":l=a`<${qt} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=a`<${Kt} id=${s.parts[1]} query=${s.query} role=${e} />`;break;case"scanners":l=a`<${Jt} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?a`<${Yt} />`:a`<${Xt} />`;break;case"overview":l=a`<${Zt} />`;break;case"hosts":l=a`<${Qt} />`;break;case"host":l=a`<${es} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":l=a`<${Ht} query=${s.query} />`;break;case"exceptions":l=a`<${ss} role=${e} query=${s.query} />`;break;case"audit":l=e==="admin"?a`<${ns} query=${s.query} />`:e?a`<${as} />`:null;break;case"subscriptions":l=a`<${is} role=${e} />`;break;case"workloads":l=a`<${cs} query=${s.query} />`;break;default:l=a`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let m=r==="image"?"images":r==="host"?"hosts":r,f=ha.filter(c=>(!c.needs||t&&t[c.needs])&&(!c.role||e===c.role));return a`
    <a class="skip" href="#main" onClick=${c=>{c.preventDefault(),i.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${f.map(c=>a`<li><a href=${E([c.key])} aria-current=${m===c.key?"page":void 0}>${c.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        ${t&&t.name&&a`<span class="token-name" title=${"The API token you logged in with"+(t.expires_at?", expires "+N(t.expires_at):"")}>${t.name}</span>`}
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${n}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${i}>${l}</main>`}function _a(){let e=ga(),[t,s]=x(Tt()),[n,r]=x(null),i=n?n.role:"";return G(()=>At(o=>s(o)),[]),G(()=>{!t||n||w("/api/v1/whoami").then(o=>r(o)).catch(()=>{})},[t]),G(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?a`<${va} role=${i} who=${n} route=${e} onLogout=${()=>{r(null),Se("")}} />`:a`<${$a} onLogin=${o=>r(o)} />`}gt(a`<${_a} />`,document.getElementById("app"));
